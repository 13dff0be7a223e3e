-- tipdash database schema. Blank (NULL) = not reported; 0 = reported zero.
CREATE SEQUENCE IF NOT EXISTS id_seq START 1;

CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR);

CREATE TABLE IF NOT EXISTS units (
    code VARCHAR PRIMARY KEY, name_ro VARCHAR, name_en VARCHAR, name_ru VARCHAR,
    kind VARCHAR, has_commission BOOLEAN);

-- One row per imported file.
CREATE TABLE IF NOT EXISTS imports (
    import_id BIGINT PRIMARY KEY, file_name VARCHAR NOT NULL, sha256 VARCHAR NOT NULL,
    size_bytes BIGINT, format VARCHAR NOT NULL,          -- 'report' (format A) | 'summary' (format B) | 'series' (format C)
    imported_at TIMESTAMP NOT NULL, imported_by VARCHAR, synthetic BOOLEAN DEFAULT false);

-- One row per unit-year found in a file (format C: per year and source, unit 'MD').
-- At most one 'current' per (unit_code, year, source): source is NULL for formats A and B, so a
-- national series never supersedes (or is superseded by) the national-level report of its year.
CREATE TABLE IF NOT EXISTS submissions (
    submission_id BIGINT PRIMARY KEY, import_id BIGINT NOT NULL, unit_code VARCHAR NOT NULL,
    year INTEGER NOT NULL, format VARCHAR NOT NULL, sheet VARCHAR, row_no INTEGER,
    submitted_on DATE, prepared_by VARCHAR, reported BOOLEAN,
    sheets VARCHAR,                                        -- format A: fact sheets present, comma-separated (present + no rows = 0)
    status VARCHAR NOT NULL,                               -- current | superseded | reverted
    superseded_by BIGINT, changed_at TIMESTAMP);
-- Added after the first release (databases built before keep working: the write path adds them).
ALTER TABLE submissions ADD COLUMN IF NOT EXISTS source VARCHAR;   -- format C: the source id it publishes
ALTER TABLE submissions ADD COLUMN IF NOT EXISTS digest VARCHAR;   -- format C: sha256 of its rows and source

-- Format B: one row per unit-year of the consolidated summary.
CREATE TABLE IF NOT EXISTS summary (
    submission_id BIGINT NOT NULL, sheet VARCHAR, row_no INTEGER,
    sessions INTEGER, information_activities INTEGER, information_activities_approx BOOLEAN DEFAULT false,
    participants INTEGER, trainings INTEGER, members_trained INTEGER, victims INTEGER, ngo_partners INTEGER);

-- Format A sheets.
CREATE TABLE IF NOT EXISTS sessions (
    submission_id BIGINT NOT NULL, sheet VARCHAR, row_no INTEGER,
    date DATE, topics VARCHAR, participants INTEGER);
CREATE TABLE IF NOT EXISTS topics (
    submission_id BIGINT NOT NULL, sheet VARCHAR, row_no INTEGER, topic VARCHAR NOT NULL);
CREATE TABLE IF NOT EXISTS activities (
    submission_id BIGINT NOT NULL, sheet VARCHAR, row_no INTEGER,
    date DATE, end_date DATE, type VARCHAR, target_group VARCHAR, participants INTEGER,
    campaign VARCHAR, description VARCHAR,
    count INTEGER NOT NULL DEFAULT 1,                      -- activities this row stands for
    approximate BOOLEAN NOT NULL DEFAULT false);
CREATE TABLE IF NOT EXISTS campaigns (
    submission_id BIGINT NOT NULL, sheet VARCHAR, row_no INTEGER,
    name VARCHAR NOT NULL, start_date DATE, end_date DATE, description VARCHAR);
CREATE TABLE IF NOT EXISTS trainings (
    submission_id BIGINT NOT NULL, sheet VARCHAR, row_no INTEGER,
    title VARCHAR, start_date DATE, end_date DATE, organisers VARCHAR, participants INTEGER,
    count INTEGER NOT NULL DEFAULT 1);                     -- workshops this row stands for
CREATE TABLE IF NOT EXISTS victims (
    submission_id BIGINT NOT NULL, sheet VARCHAR, row_no INTEGER,
    sex VARCHAR, age_group VARCHAR, exploitation VARCHAR, status VARCHAR,
    count INTEGER NOT NULL, referred_to VARCHAR,
    legal INTEGER, medical INTEGER, psychological INTEGER, housing INTEGER,
    legal_provided BOOLEAN, medical_provided BOOLEAN,      -- true when given (count may be NULL)
    psychological_provided BOOLEAN, housing_provided BOOLEAN);
CREATE TABLE IF NOT EXISTS partners (
    submission_id BIGINT NOT NULL, sheet VARCHAR, row_no INTEGER,
    organisation VARCHAR NOT NULL, kind VARCHAR, cooperation VARCHAR);
CREATE TABLE IF NOT EXISTS challenges (
    submission_id BIGINT NOT NULL, sheet VARCHAR, row_no INTEGER,
    text VARCHAR NOT NULL, category VARCHAR);

-- Format A: the compiler's own conclusions and the context of the report (optional sheets
-- Conclusions/Concluzii and Context), one row per item, in the file's order.
CREATE TABLE IF NOT EXISTS conclusions (
    submission_id BIGINT NOT NULL, sheet VARCHAR, row_no INTEGER, text VARCHAR NOT NULL);
CREATE TABLE IF NOT EXISTS context (
    submission_id BIGINT NOT NULL, sheet VARCHAR, row_no INTEGER, text VARCHAR NOT NULL);

-- Free text in other languages: one row per (source text, language). origin:
-- unofficial_translation | registered_name | as_in_source (data/translations/, loaded by init).
CREATE TABLE IF NOT EXISTS translations (
    source_lang VARCHAR NOT NULL, source_hash VARCHAR NOT NULL, source_text VARCHAR NOT NULL,
    lang VARCHAR NOT NULL, text VARCHAR NOT NULL, origin VARCHAR NOT NULL, note VARCHAR,
    file_name VARCHAR, PRIMARY KEY (source_lang, source_hash, lang));

-- Format C: published national figures, stored as given (value_text exactly as printed).
CREATE TABLE IF NOT EXISTS series (
    submission_id BIGINT NOT NULL, sheet VARCHAR, row_no INTEGER,
    indicator VARCHAR NOT NULL, breakdown VARCHAR NOT NULL, value DOUBLE NOT NULL, value_text VARCHAR NOT NULL,
    unit VARCHAR NOT NULL, note VARCHAR);
-- Format C: the source row (sources.csv) each series submission was imported with.
CREATE TABLE IF NOT EXISTS series_sources (
    submission_id BIGINT NOT NULL, sheet VARCHAR, row_no INTEGER,
    source VARCHAR NOT NULL, publisher VARCHAR, title VARCHAR, url VARCHAR, licence VARCHAR, accessed DATE,
    note VARCHAR);

CREATE TABLE IF NOT EXISTS audit (
    "at" TIMESTAMP NOT NULL, who VARCHAR, action VARCHAR NOT NULL, detail VARCHAR, sha256 VARCHAR);

-- Columns added after the first release (a write brings an older database up to date).
-- Language of a submission's free text (format A field Language/Limba; ro when not given).
ALTER TABLE submissions ADD COLUMN IF NOT EXISTS source_lang VARCHAR;
-- Format B provenance: where the row's figures come from ('commission_report' | 'national_note':
-- transcribed from a national summary such as the State Chancellery's informative note), and
-- whether its reporting status is inferred rather than stated by that source.
ALTER TABLE summary ADD COLUMN IF NOT EXISTS source VARCHAR;
ALTER TABLE summary ADD COLUMN IF NOT EXISTS status_inferred BOOLEAN;
-- Precision of a date: 'day' (NULL = day) or 'month' (stored as the first day of the month for a
-- start, the last day for an end; shown as the month only).
ALTER TABLE activities ADD COLUMN IF NOT EXISTS date_precision VARCHAR;
ALTER TABLE activities ADD COLUMN IF NOT EXISTS end_date_precision VARCHAR;
ALTER TABLE campaigns ADD COLUMN IF NOT EXISTS start_date_precision VARCHAR;
ALTER TABLE campaigns ADD COLUMN IF NOT EXISTS end_date_precision VARCHAR;
ALTER TABLE trainings ADD COLUMN IF NOT EXISTS start_date_precision VARCHAR;
ALTER TABLE trainings ADD COLUMN IF NOT EXISTS end_date_precision VARCHAR;
-- Contact details of a commission (format A, Commission sheet, optional): for the campaign's reminders.
ALTER TABLE submissions ADD COLUMN IF NOT EXISTS contact_name VARCHAR;
ALTER TABLE submissions ADD COLUMN IF NOT EXISTS contact_email VARCHAR;
ALTER TABLE submissions ADD COLUMN IF NOT EXISTS contact_phone VARCHAR;

-- Reports filed in the dashboard (tipdash/reports/): one draft per unit-year, its content as JSON
-- (the format-A content the form edits). Drafts never enter indicators, maps or downloads; a
-- submit imports the content as a workbook would be. ``version`` goes up by one on every save
-- (a save names the version it started from: a stale one is refused).
CREATE TABLE IF NOT EXISTS drafts (
    unit_code VARCHAR NOT NULL, year INTEGER NOT NULL, version INTEGER NOT NULL, content VARCHAR NOT NULL,
    saved_at TIMESTAMP NOT NULL, saved_by VARCHAR, submitted_version INTEGER, submitted_at TIMESTAMP,
    submitted_by VARCHAR, submission_id BIGINT, PRIMARY KEY (unit_code, year));
-- A reporting year locked by the State Chancellery (when the note is published): no more filing.
CREATE TABLE IF NOT EXISTS report_locks (
    year INTEGER PRIMARY KEY, locked BOOLEAN NOT NULL, changed_at TIMESTAMP NOT NULL, changed_by VARCHAR,
    reason VARCHAR);
