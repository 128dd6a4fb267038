-- Version 1: jobs, companies, syncs and their runs, the jobs each sync stored, lock holders.
CREATE TABLE jobs (
  id BIGINT PRIMARY KEY,
  title TEXT NOT NULL,
  company_name TEXT,
  company_domain TEXT,
  company_id TEXT,
  country_code TEXT,
  remote BOOLEAN,
  hybrid BOOLEAN,
  seniority TEXT,
  min_salary_usd DOUBLE PRECISION,
  max_salary_usd DOUBLE PRECISION,
  date_posted DATE,
  discovered_at TIMESTAMPTZ NOT NULL,
  closed BOOLEAN NOT NULL DEFAULT FALSE,
  closed_at TIMESTAMPTZ,
  url TEXT,
  job JSONB NOT NULL,
  first_stored_at TIMESTAMPTZ NOT NULL,
  updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX jobs_discovered_at ON jobs (discovered_at);
CREATE INDEX jobs_company_domain ON jobs (company_domain);
CREATE INDEX jobs_country_code ON jobs (country_code);
CREATE INDEX jobs_date_posted ON jobs (date_posted);
CREATE TABLE companies (
  id TEXT PRIMARY KEY,
  name TEXT,
  domain TEXT,
  country_code TEXT,
  industry TEXT,
  employee_count BIGINT,
  linkedin_url TEXT,
  company JSONB NOT NULL,
  updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX companies_domain ON companies (domain);
CREATE TABLE syncs (
  name TEXT PRIMARY KEY,
  filters TEXT NOT NULL,
  watermark TEXT,
  watermark_at TIMESTAMPTZ,
  rows_stored BIGINT NOT NULL DEFAULT 0,
  credits_spent BIGINT NOT NULL DEFAULT 0,
  created_at TIMESTAMPTZ NOT NULL,
  updated_at TIMESTAMPTZ NOT NULL
);
CREATE TABLE sync_runs (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  sync_name TEXT NOT NULL REFERENCES syncs (name),
  status TEXT NOT NULL,
  host TEXT NOT NULL,
  pid BIGINT NOT NULL,
  started_at TIMESTAMPTZ NOT NULL,
  finished_at TIMESTAMPTZ,
  pages BIGINT NOT NULL DEFAULT 0,
  rows_returned BIGINT NOT NULL DEFAULT 0,
  new_rows BIGINT NOT NULL DEFAULT 0,
  credits BIGINT NOT NULL DEFAULT 0,
  watermark_at TIMESTAMPTZ,
  error TEXT
);
CREATE INDEX sync_runs_by_sync ON sync_runs (sync_name, id);
CREATE TABLE sync_jobs (
  sync_name TEXT NOT NULL,
  job_id BIGINT NOT NULL,
  PRIMARY KEY (sync_name, job_id)
);
-- Who holds a sync's advisory lock, for the message a second run prints.
CREATE TABLE sync_locks (
  name TEXT PRIMARY KEY,
  host TEXT NOT NULL,
  pid BIGINT NOT NULL,
  since TIMESTAMPTZ NOT NULL
);
