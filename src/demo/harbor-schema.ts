/**
 * The part of Harbor's database schema this exporter reads, written for the demo, the tests and the benchmark.
 * Column names, types and indexes follow Harbor's migrations; the conformance test checks them against the
 * catalogs of real Harbor releases.
 */
/** 2.16 is goharbor/harbor's main branch at migration 0190 (in development). */
export type HarborRelease = '2.10' | '2.13' | '2.15' | '2.16';

export const schemaVersionOf: Record<HarborRelease, number> = {
  '2.10': 130,
  '2.13': 160,
  '2.15': 180,
  '2.16': 190,
};

export function harborSchemaSql(release: HarborRelease = '2.15'): string {
  const atLeast213 = release !== '2.10';
  const atLeast215 = release === '2.15' || release === '2.16';
  // 0190 widened robot ids, task revisions and registry access keys, and records where an accessory came from.
  const atLeast216 = release === '2.16';
  const robotId = atLeast216 ? 'BIGSERIAL' : 'SERIAL';
  return `
CREATE TABLE schema_migrations (version bigint NOT NULL PRIMARY KEY, dirty boolean NOT NULL);
INSERT INTO schema_migrations VALUES (${schemaVersionOf[release]}, false);

CREATE TABLE harbor_user (user_id SERIAL PRIMARY KEY, username varchar(255) UNIQUE, email varchar(255),
  password varchar(40) NOT NULL DEFAULT '', realname varchar(255) NOT NULL DEFAULT '', sysadmin_flag boolean NOT NULL DEFAULT false,
  deleted boolean NOT NULL DEFAULT false, creation_time timestamp DEFAULT CURRENT_TIMESTAMP, update_time timestamp DEFAULT CURRENT_TIMESTAMP);
INSERT INTO harbor_user (user_id, username, sysadmin_flag) VALUES (1, 'admin', true);

CREATE TABLE project (project_id SERIAL PRIMARY KEY, owner_id integer NOT NULL REFERENCES harbor_user(user_id),
  name varchar(255) NOT NULL UNIQUE, creation_time timestamp DEFAULT CURRENT_TIMESTAMP,
  update_time timestamp DEFAULT CURRENT_TIMESTAMP, deleted boolean NOT NULL DEFAULT false, registry_id integer);
CREATE TABLE project_metadata (id SERIAL PRIMARY KEY, project_id integer NOT NULL REFERENCES project(project_id),
  name varchar(255) NOT NULL, value varchar(255), creation_time timestamp DEFAULT CURRENT_TIMESTAMP,
  update_time timestamp DEFAULT CURRENT_TIMESTAMP, UNIQUE (project_id, name));
CREATE TABLE project_member (id SERIAL PRIMARY KEY, project_id integer NOT NULL, entity_id integer NOT NULL,
  entity_type char(1) NOT NULL, role integer NOT NULL, creation_time timestamp DEFAULT CURRENT_TIMESTAMP,
  update_time timestamp DEFAULT CURRENT_TIMESTAMP, UNIQUE (project_id, entity_id, entity_type));

CREATE TABLE repository (repository_id SERIAL PRIMARY KEY, name varchar(255) NOT NULL UNIQUE, project_id integer NOT NULL,
  description text, pull_count integer NOT NULL DEFAULT 0, star_count integer NOT NULL DEFAULT 0,
  creation_time timestamp DEFAULT CURRENT_TIMESTAMP, update_time timestamp DEFAULT CURRENT_TIMESTAMP);
CREATE TABLE artifact (id SERIAL PRIMARY KEY, project_id integer NOT NULL, repository_name varchar(255) NOT NULL,
  digest varchar(255) NOT NULL, type varchar(255) NOT NULL, pull_time timestamp, push_time timestamp,
  repository_id integer NOT NULL, media_type varchar(255) NOT NULL, manifest_media_type varchar(255) NOT NULL,
  size bigint, extra_attrs text, annotations jsonb, icon varchar(255)${atLeast213 ? ', artifact_type varchar(255)' : ''},
  UNIQUE (repository_id, digest));
CREATE INDEX idx_artifact_digest_project_id ON artifact (digest, project_id);
CREATE INDEX idx_artifact_push_time ON artifact (push_time);
CREATE INDEX idx_artifact_repository_name ON artifact (repository_name);
CREATE TABLE tag (id SERIAL PRIMARY KEY, repository_id integer NOT NULL, artifact_id integer NOT NULL REFERENCES artifact(id),
  name varchar(255) NOT NULL, push_time timestamp DEFAULT CURRENT_TIMESTAMP, pull_time timestamp,
  UNIQUE (repository_id, name));
CREATE INDEX idx_tag_artifact_id ON tag (artifact_id);
CREATE INDEX idx_tag_push_time ON tag (push_time);
CREATE TABLE artifact_reference (id SERIAL PRIMARY KEY, parent_id integer NOT NULL REFERENCES artifact(id),
  child_id integer NOT NULL REFERENCES artifact(id), child_digest varchar(255) NOT NULL, platform varchar(255),
  urls varchar(1024), annotations jsonb, UNIQUE (parent_id, child_id));
CREATE INDEX idx_artifact_reference_child_id ON artifact_reference (child_id);
CREATE TABLE artifact_accessory (id SERIAL PRIMARY KEY, artifact_id bigint REFERENCES artifact(id), subject_artifact_id bigint,
  type varchar(256), size bigint, digest varchar(1024), creation_time timestamp DEFAULT CURRENT_TIMESTAMP,
  subject_artifact_digest varchar(1024), subject_artifact_repo varchar(1024)${atLeast216 ? ", source varchar(50) DEFAULT 'local'" : ''}, UNIQUE (artifact_id, subject_artifact_digest));
CREATE INDEX idx_artifact_accessory_subject_artifact_id ON artifact_accessory (subject_artifact_id);

CREATE TABLE blob (id SERIAL PRIMARY KEY, digest varchar(255) NOT NULL UNIQUE, content_type varchar(1024) NOT NULL,
  size bigint NOT NULL, creation_time timestamp DEFAULT CURRENT_TIMESTAMP, update_time timestamp DEFAULT CURRENT_TIMESTAMP,
  status varchar(255) NOT NULL DEFAULT 'none', version bigint DEFAULT 0);
CREATE INDEX idx_status ON blob (status);
CREATE INDEX idx_version ON blob (version);
CREATE TABLE project_blob (id SERIAL PRIMARY KEY, project_id integer NOT NULL, blob_id integer NOT NULL,
  creation_time timestamp DEFAULT CURRENT_TIMESTAMP, UNIQUE (project_id, blob_id));
CREATE TABLE artifact_blob (id SERIAL PRIMARY KEY, digest_af varchar(255) NOT NULL, digest_blob varchar(255) NOT NULL,
  creation_time timestamp DEFAULT CURRENT_TIMESTAMP, UNIQUE (digest_af, digest_blob));
CREATE INDEX idx_artifact_blob_digest_blob ON artifact_blob (digest_blob);

CREATE TABLE quota (id SERIAL PRIMARY KEY, reference varchar(255) NOT NULL, reference_id varchar(255) NOT NULL,
  hard jsonb NOT NULL, creation_time timestamp DEFAULT CURRENT_TIMESTAMP, update_time timestamp DEFAULT CURRENT_TIMESTAMP,
  version bigint DEFAULT 0, UNIQUE (reference, reference_id));
CREATE TABLE quota_usage (id SERIAL PRIMARY KEY, reference varchar(255) NOT NULL, reference_id varchar(255) NOT NULL,
  used jsonb NOT NULL, creation_time timestamp DEFAULT CURRENT_TIMESTAMP, update_time timestamp DEFAULT CURRENT_TIMESTAMP,
  version bigint DEFAULT 0, UNIQUE (reference, reference_id));

CREATE TABLE audit_log (id SERIAL PRIMARY KEY, project_id integer NOT NULL, operation varchar(20) NOT NULL,
  resource_type varchar(255) NOT NULL, resource varchar(1024) NOT NULL, username varchar(255) NOT NULL,
  op_time timestamp DEFAULT CURRENT_TIMESTAMP);
CREATE INDEX idx_audit_log_op_time ON audit_log (op_time);
CREATE INDEX idx_audit_log_project_id_optime ON audit_log (project_id, op_time);
${
  atLeast213
    ? `CREATE TABLE audit_log_ext (id BIGSERIAL PRIMARY KEY, project_id bigint, operation varchar(50), resource_type varchar(255),
  resource varchar(1024), username varchar(255), op_desc varchar(1024), op_result boolean DEFAULT true, payload text,
  source_ip varchar(50), op_time timestamp DEFAULT CURRENT_TIMESTAMP);
CREATE INDEX idx_audit_log_ext_op_time ON audit_log_ext (op_time);
CREATE INDEX idx_audit_log_ext_project_id_optime ON audit_log_ext (project_id, op_time);
CREATE INDEX idx_audit_log_ext_project_id_operation ON audit_log_ext (project_id, operation);
CREATE INDEX idx_audit_log_ext_project_id_resource_type ON audit_log_ext (project_id, resource_type);`
    : ''
}

CREATE TABLE execution (id SERIAL PRIMARY KEY, vendor_type varchar(64) NOT NULL, vendor_id integer, status varchar(16),
  status_message text, trigger varchar(16) NOT NULL, extra_attrs json, start_time timestamp DEFAULT CURRENT_TIMESTAMP,
  end_time timestamp, revision integer, update_time timestamp);
CREATE INDEX idx_execution_start_time ON execution (start_time);
CREATE INDEX idx_execution_vendor_type_vendor_id ON execution (vendor_type, vendor_id);
CREATE TABLE task (id SERIAL PRIMARY KEY, execution_id integer NOT NULL REFERENCES execution(id), job_id varchar(64),
  status varchar(16) NOT NULL, status_code integer NOT NULL, status_revision ${atLeast216 ? 'bigint' : 'integer'}, status_message text,
  run_count integer, extra_attrs json, creation_time timestamp DEFAULT CURRENT_TIMESTAMP, start_time timestamp,
  update_time timestamp, end_time timestamp, vendor_type varchar(64) NOT NULL);
CREATE INDEX task_execution_id_idx ON task (execution_id);
CREATE INDEX idx_task_job_id ON task (job_id);
CREATE INDEX idx_task_extra_attrs_report_uuids ON task USING gin (((extra_attrs::jsonb) -> 'report_uuids'));

CREATE TABLE retention_policy (id SERIAL PRIMARY KEY, scope_level varchar(20), scope_reference integer,
  trigger_kind varchar(20), data text, create_time timestamp, update_time timestamp);
CREATE TABLE robot (id ${robotId} PRIMARY KEY, name varchar(255), description varchar(1024), project_id integer,
  expiresat bigint, disabled boolean NOT NULL DEFAULT false, creation_time timestamp DEFAULT CURRENT_TIMESTAMP,
  update_time timestamp DEFAULT CURRENT_TIMESTAMP, visible boolean NOT NULL DEFAULT true, secret varchar(2048), salt varchar(64),
  duration integer${atLeast213 ? `, creator_ref ${atLeast216 ? 'bigint' : 'integer'} DEFAULT 0, creator_type varchar(255)` : ''}, UNIQUE (name, project_id));
CREATE TABLE scan_report (id SERIAL PRIMARY KEY, uuid varchar(64) NOT NULL UNIQUE, digest varchar(256) NOT NULL,
  registration_uuid varchar(64) NOT NULL, mime_type varchar(256) NOT NULL, report json, critical_cnt bigint,
  high_cnt bigint, medium_cnt bigint, low_cnt bigint, none_cnt bigint, unknown_cnt bigint, fixable_cnt bigint,
  UNIQUE (digest, registration_uuid, mime_type));
CREATE TABLE scanner_registration (id SERIAL PRIMARY KEY, uuid varchar(64) NOT NULL UNIQUE, url varchar(256) NOT NULL UNIQUE,
  name varchar(128) NOT NULL UNIQUE, description varchar(1024), auth varchar(16) NOT NULL, access_cred varchar(512),
  disabled boolean NOT NULL DEFAULT false, is_default boolean NOT NULL DEFAULT false, use_internal_addr boolean NOT NULL DEFAULT false,
  immutable boolean NOT NULL DEFAULT false, skip_cert_verify boolean NOT NULL DEFAULT false,
  create_time timestamp DEFAULT CURRENT_TIMESTAMP, update_time timestamp DEFAULT CURRENT_TIMESTAMP);
CREATE TABLE system_artifact (id SERIAL PRIMARY KEY, repository varchar(256) NOT NULL, digest varchar(255) NOT NULL DEFAULT '',
  size bigint NOT NULL DEFAULT 0, vendor varchar(255) NOT NULL DEFAULT '', type varchar(255) NOT NULL DEFAULT '',
  create_time timestamp DEFAULT CURRENT_TIMESTAMP, extra_attrs text NOT NULL DEFAULT '', UNIQUE (repository, digest, vendor));

CREATE TABLE registry (id SERIAL PRIMARY KEY, name varchar(64) UNIQUE, url varchar(256), access_key varchar(${atLeast216 ? 4096 : 255}),
  access_secret varchar(4096), insecure boolean NOT NULL DEFAULT false, creation_time timestamp DEFAULT CURRENT_TIMESTAMP,
  update_time timestamp DEFAULT CURRENT_TIMESTAMP, credential_type varchar(16), type varchar(32), description text,
  health varchar(16)${atLeast215 ? ', ca_certificate text' : ''});
CREATE TABLE replication_policy (id SERIAL PRIMARY KEY, name varchar(256) UNIQUE, dest_registry_id integer,
  enabled boolean NOT NULL DEFAULT true, description text, deleted boolean DEFAULT false, trigger varchar(256),
  filters varchar(1024), replicate_deletion boolean NOT NULL DEFAULT false, start_time timestamp,
  creation_time timestamp DEFAULT CURRENT_TIMESTAMP, update_time timestamp DEFAULT CURRENT_TIMESTAMP,
  creator varchar(256), src_registry_id integer, dest_namespace varchar(256), override boolean,
  dest_namespace_replace_count integer, speed_kb integer, copy_by_chunk boolean${atLeast215 ? ', single_active_replication boolean' : ''});
`;
}
