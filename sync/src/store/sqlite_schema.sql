-- Version 1: jobs, companies, syncs and their runs, the jobs each sync stored, sync leases.
CREATE TABLE jobs (
  id INTEGER PRIMARY KEY,
  title TEXT NOT NULL,
  company_name TEXT,
  company_domain TEXT,
  company_id TEXT,
  country_code TEXT,
  remote INTEGER,
  hybrid INTEGER,
  seniority TEXT,
  min_salary_usd REAL,
  max_salary_usd REAL,
  date_posted TEXT,
  discovered_at TEXT NOT NULL,
  closed INTEGER NOT NULL DEFAULT 0,
  closed_at TEXT,
  url TEXT,
  job TEXT NOT NULL,
  first_stored_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
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
  employee_count INTEGER,
  linkedin_url TEXT,
  company TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX companies_domain ON companies (domain);
CREATE TABLE syncs (
  name TEXT PRIMARY KEY,
  filters TEXT NOT NULL,
  watermark TEXT,
  watermark_at TEXT,
  rows_stored INTEGER NOT NULL DEFAULT 0,
  credits_spent INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE TABLE sync_runs (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  sync_name TEXT NOT NULL REFERENCES syncs (name),
  status TEXT NOT NULL,
  host TEXT NOT NULL,
  pid INTEGER NOT NULL,
  started_at TEXT NOT NULL,
  finished_at TEXT,
  pages INTEGER NOT NULL DEFAULT 0,
  rows_returned INTEGER NOT NULL DEFAULT 0,
  new_rows INTEGER NOT NULL DEFAULT 0,
  credits INTEGER NOT NULL DEFAULT 0,
  watermark_at TEXT,
  error TEXT
);
CREATE INDEX sync_runs_by_sync ON sync_runs (sync_name, id);
CREATE TABLE sync_jobs (
  sync_name TEXT NOT NULL,
  job_id INTEGER NOT NULL,
  PRIMARY KEY (sync_name, job_id)
) WITHOUT ROWID;
CREATE TABLE sync_locks (
  name TEXT PRIMARY KEY,
  token TEXT NOT NULL,
  host TEXT NOT NULL,
  pid INTEGER NOT NULL,
  since TEXT NOT NULL,
  expires_at TEXT NOT NULL
);
