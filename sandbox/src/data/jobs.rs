//! Synthetic jobs: a job of a company, with its title, place, dates, salary, technologies,
//! description, location and hiring team.

use super::catalog::{
    COUNTRIES, Department, FIRST_NAMES, LAST_NAMES, ROLES, TECHS, executive_title, tech_index,
    weighted_country,
};
use super::{chance, finish, midnight, pick, thousands};
use chrono::{DateTime, Duration as Days, Utc};
use fastrand::Rng;
use theirstack::types;

/// What a job needs of its company.
pub(crate) struct Owner<'a> {
    pub(crate) record: &'a types::CompanyWithTechnologySlugs,
    /// The country and city of its head office, as indices into [`COUNTRIES`].
    pub(crate) country: usize,
    pub(crate) city: usize,
    /// Its technology stack, as indices into [`TECHS`].
    pub(crate) stack: &'a [usize],
}

/// A job before sorting.
pub(crate) struct JobDraft {
    pub(crate) job: types::JobWithMatchingPhrasesResponseOutput,
    pub(crate) company: usize,
    pub(crate) techs: Vec<usize>,
}

fn salary_usd(
    rng: &mut Rng,
    seniority: Option<&types::Seniority>,
    department: Department,
) -> (f64, f64) {
    let (low, high) = match seniority {
        Some(types::Seniority::Junior) => (55_000.0, 85_000.0),
        Some(types::Seniority::Senior) => (120_000.0, 175_000.0),
        Some(types::Seniority::Staff) => (160_000.0, 230_000.0),
        Some(types::Seniority::CLevel) => (200_000.0, 320_000.0),
        _ => (85_000.0, 125_000.0),
    };
    let factor = match department {
        Department::Engineering | Department::Data => 1.0,
        Department::Product => 0.95,
        Department::Sales | Department::Marketing => 0.8,
        Department::People => 0.7,
    };
    let min = (low + rng.f64() * (high - low) * 0.5) * factor;
    let max = min * (1.15 + rng.f64() * 0.25);
    (min, max)
}

#[allow(clippy::too_many_lines)]
pub(crate) fn job_draft(
    rng: &mut Rng,
    id: i64,
    company: usize,
    owner: &Owner<'_>,
    now: DateTime<Utc>,
) -> Result<JobDraft, String> {
    let role = pick(rng, ROLES);
    let seniority = match rng.u8(..20) {
        0..=3 => Some(types::Seniority::Junior),
        4..=8 => Some(types::Seniority::MidLevel),
        9..=14 => Some(types::Seniority::Senior),
        15..=16 => Some(types::Seniority::Staff),
        17 => Some(types::Seniority::CLevel),
        _ => None,
    };
    let job_title = match &seniority {
        Some(types::Seniority::Junior) => format!("Junior {}", role.title),
        Some(types::Seniority::Senior) => format!("Senior {}", role.title),
        Some(types::Seniority::Staff) => {
            format!(
                "{} {}",
                pick(rng, &["Staff", "Principal", "Lead"]),
                role.title
            )
        }
        Some(types::Seniority::CLevel) => executive_title(role.department, rng).to_string(),
        _ => role.title.to_string(),
    };
    let normalized_title = job_title.to_lowercase();

    let (country, city) = if chance(rng, 0.65) {
        (owner.country, owner.city)
    } else {
        let country = weighted_country(rng);
        (country, rng.usize(..COUNTRIES[country].cities.len()))
    };
    let place = &COUNTRIES[country];
    let (city_name, admin1, admin1_code, lat, lon) = place.cities[city];
    let remote = chance(rng, 0.25);
    let hybrid = !remote && chance(rng, 0.3);

    let today = now.date_naive();
    let age = (rng.f64().powf(1.6) * 90.0) as i64;
    let date_posted = today - Days::days(age);
    let room = (now - midnight(date_posted)).num_seconds() - 60;
    let offset = if room > 0 {
        rng.i64(0..room.min(30 * 3600))
    } else {
        0
    };
    let discovered_at = midnight(date_posted) + Days::seconds(offset);

    let mut employment = vec![types::Commitment::FullTime];
    match rng.u8(..20) {
        0..=1 => employment = vec![types::Commitment::Contract],
        2 => employment.push(types::Commitment::Contract),
        3 => employment = vec![types::Commitment::PartTime],
        4 if matches!(seniority, Some(types::Seniority::Junior)) => {
            employment = vec![types::Commitment::Internship]
        }
        5 => employment = vec![types::Commitment::Temporary],
        _ => {}
    }

    // Technologies: those of the role the company uses, else anything of its stack.
    let mut techs: Vec<usize> = role
        .techs
        .iter()
        .filter_map(|s| tech_index(s))
        .filter(|t| owner.stack.contains(t))
        .collect();
    if techs.is_empty() || chance(rng, 0.3) {
        techs.push(*pick(rng, owner.stack));
    }
    if techs.len() > 6 {
        rng.shuffle(&mut techs);
        techs.truncate(6);
    }
    techs.sort_unstable();
    techs.dedup();

    let salary = chance(rng, 0.6).then(|| {
        let (min, max) = salary_usd(rng, seniority.as_ref(), role.department);
        let (min, max) = (min * place.pay_level, max * place.pay_level);
        let local = |usd: f64| ((usd / place.usd_per_unit) / 1000.0).round() as i64 * 1000;
        let (min_local, max_local) = (local(min), local(max));
        let min_usd = (min_local as f64 * place.usd_per_unit).round();
        let max_usd = (max_local as f64 * place.usd_per_unit).round();
        (min_local, max_local, min_usd, max_usd)
    });

    let company_name = owner.record.name.clone();
    let domain = owner.record.domain.clone().unwrap_or_default();
    let hiring_team = chance(rng, 0.4).then(|| {
        let first = pick(rng, FIRST_NAMES);
        let last = pick(rng, LAST_NAMES);
        let role_name = if role.department == Department::People {
            "Head of Talent"
        } else {
            pick(
                rng,
                &["Talent Acquisition Partner", "Hiring Manager", "Recruiter"],
            )
        };
        let mut person = types::PersonBase::default();
        person.first_name = Some(first.to_string());
        person.full_name = Some(format!("{first} {last}"));
        person.linkedin_url = Some(format!(
            "https://www.linkedin.com/in/{}-{}-{}",
            first.to_lowercase(),
            last.to_lowercase(),
            rng.u32(1000..10000)
        ));
        person.role = Some(role_name.to_string());
        vec![person]
    });
    let manager_roles = match role.department {
        Department::Engineering => Some(vec!["Engineering Manager".to_string()]),
        Department::Data => Some(vec!["Head of Data".to_string()]),
        _ => None,
    };
    let reposted = chance(rng, 0.1) && age >= 2;
    let date_reposted = reposted.then(|| date_posted + Days::days(rng.i64(1..=age)));

    let tech_names: Vec<&str> = techs.iter().map(|&t| TECHS[t].name).collect();
    let tech_list = tech_names.join(", ");
    let work_mode = if remote {
        format!(
            "This is a remote role open to candidates in {}.",
            place.name
        )
    } else if hybrid {
        format!("This is a hybrid role based in our {city_name} office.")
    } else {
        format!("This role is based in our {city_name} office.")
    };
    let years = match &seniority {
        Some(types::Seniority::Junior) => 1,
        Some(types::Seniority::Senior) => 5,
        Some(types::Seniority::Staff) | Some(types::Seniority::CLevel) => 8,
        _ => 3,
    };
    let description = format!(
        "## About {company_name}\n{}\n\n## The role\nWe are looking for a {job_title} to join our team. \
         You will work with {tech_list}. {work_mode}\n\n## Requirements\n- {years}+ years of relevant experience\n\
         - Hands-on experience with {}\n- Clear written communication",
        owner.record.seo_description.clone().unwrap_or_default(),
        tech_names.first().copied().unwrap_or("modern tooling"),
    );

    let url = format!("https://jobs.sandbox.invalid/{}/{id}", owner.record.id);
    let display_name = format!("{city_name}, {admin1}, {}", place.name);
    let location = finish(
        types::JobLocationOutput::builder()
            .admin1_code(Some(admin1_code.to_string()))
            .admin1_name(Some(admin1.to_string()))
            .city(Some(city_name.to_string()))
            .continent(Some(place.continent.0.to_string()))
            .country_code(Some(place.code.to_string()))
            .country_name(Some(place.name.to_string()))
            .display_name(display_name.clone())
            .feature_code(Some("PPL".to_string()))
            .id(Some(1_000_000 + (country as i64) * 100 + city as i64))
            .latitude(Some(lat))
            .longitude(Some(lon))
            .name(Some(city_name.to_string()))
            .state(Some(admin1.to_string()))
            .state_code(Some(admin1_code.to_string()))
            .type_(Some(types::GeonameType::City)),
    )?;
    let job = finish(
        types::JobWithMatchingPhrasesResponseOutput::builder()
            .avg_annual_salary_usd(
                salary.map(|(_, _, a, b)| ((a + b) / 2.0 * 100.0).round() / 100.0),
            )
            .cities(Some(vec![city_name.to_string()]))
            .company(company_name)
            .company_domain(Some(domain.clone()))
            .company_object(owner.record.clone())
            .continents(Some(vec![place.continent.1.to_string()]))
            .countries(Some(vec![place.name.to_string()]))
            .country(Some(place.name.to_string()))
            .country_code(Some(place.code.to_string()))
            .country_codes(Some(vec![Some(place.code.to_string())]))
            .date_posted(date_posted)
            .date_reposted(date_reposted)
            .description(Some(description))
            .discovered_at(types::Timestamp(discovered_at))
            .easy_apply(Some(chance(rng, 0.3)))
            .employment_statuses(employment)
            .final_url(chance(rng, 0.85).then(|| format!("https://{domain}/careers/{id}")))
            .has_blurred_data(false)
            .hiring_team(hiring_team)
            .hybrid(Some(hybrid))
            .id(id)
            .job_title(job_title)
            .latitude(Some(lat))
            .location(Some(city_name.to_string()))
            .locations(vec![location])
            .long_location(Some(display_name))
            .longitude(Some(lon))
            .manager_roles(manager_roles)
            .matching_phrases(Some(Vec::new()))
            .matching_words(Some(Vec::new()))
            .max_annual_salary(salary.map(|s| s.1))
            .max_annual_salary_usd(salary.map(|s| s.3))
            .min_annual_salary(salary.map(|s| s.0))
            .min_annual_salary_usd(salary.map(|s| s.2))
            .normalized_title(Some(normalized_title))
            .remote(Some(remote))
            .reposted(Some(reposted))
            .salary_currency(salary.map(|_| place.currency.to_string()))
            .salary_string(salary.map(|(min, max, _, _)| {
                format!(
                    "{s}{} - {s}{} per year",
                    thousands(min),
                    thousands(max),
                    s = place.symbol
                )
            }))
            .seniority(seniority)
            .short_location(Some(format!("{city_name}, {admin1_code}")))
            .source_url(url.clone())
            .state_code(Some(admin1_code.to_string()))
            .technology_slugs(
                techs
                    .iter()
                    .map(|&t| TECHS[t].slug.to_string())
                    .collect::<Vec<_>>(),
            )
            .url(url),
    )?;
    Ok(JobDraft {
        job,
        company,
        techs,
    })
}
