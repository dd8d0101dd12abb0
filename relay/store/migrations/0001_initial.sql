-- Initial relay schema. Must match relay/store/schema.ts; unqualified names so search_path picks the schema.
CREATE TABLE meters (
  address text PRIMARY KEY,
  zone text NOT NULL DEFAULT 'unassigned',
  owner_address text,
  technology text,
  nameplate_w integer,
  registered_at timestamptz NOT NULL DEFAULT now(),
  is_active boolean NOT NULL DEFAULT true,
  is_registered boolean NOT NULL DEFAULT true
);

CREATE TABLE samples (
  meter text NOT NULL,
  seq bigint NOT NULL,
  time_s bigint NOT NULL,
  import_wh bigint NOT NULL,
  export_wh bigint NOT NULL,
  power_w integer NOT NULL,
  voltage_dv integer NOT NULL,
  current_ma bigint NOT NULL,
  power_factor_permille smallint NOT NULL,
  prev text NOT NULL,
  digest text NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (meter, seq)
);
CREATE INDEX samples_meter_time_idx ON samples (meter, time_s);
CREATE INDEX samples_time_idx ON samples (time_s);

CREATE TABLE seals (
  meter text NOT NULL,
  seq bigint NOT NULL,
  start_s bigint NOT NULL,
  end_s bigint NOT NULL,
  import_start_wh bigint NOT NULL,
  import_end_wh bigint NOT NULL,
  export_start_wh bigint NOT NULL,
  export_end_wh bigint NOT NULL,
  sample_count integer NOT NULL,
  sig text NOT NULL,
  prev text NOT NULL,
  digest text NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (meter, seq),
  CONSTRAINT seals_meter_start_key UNIQUE (meter, start_s)
);
CREATE INDEX seals_start_idx ON seals (start_s);

CREATE TABLE chain_heads (
  meter text PRIMARY KEY,
  last_seq bigint NOT NULL,
  last_digest text NOT NULL,
  contiguous_seq bigint NOT NULL,
  last_seal_seq bigint,
  last_seal_import_end_wh bigint,
  last_seal_export_end_wh bigint,
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE chain_gaps (
  meter text NOT NULL,
  from_seq bigint NOT NULL,
  to_seq bigint NOT NULL,
  detected_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (meter, from_seq)
);

CREATE TABLE rejections (
  id bigserial PRIMARY KEY,
  received_at timestamptz NOT NULL DEFAULT now(),
  topic text NOT NULL,
  meter text,
  seq bigint,
  code text NOT NULL,
  reason text NOT NULL,
  payload_excerpt text NOT NULL,
  payload_bytes integer NOT NULL
);
CREATE INDEX rejections_received_idx ON rejections (received_at);
CREATE INDEX rejections_code_idx ON rejections (code);

CREATE TABLE meter_status (
  meter text PRIMARY KEY,
  state text NOT NULL,
  seq bigint NOT NULL,
  queued bigint NOT NULL,
  dropped bigint NOT NULL,
  uptime_s bigint NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE meter_intervals (
  meter text NOT NULL,
  zone text NOT NULL,
  start_s bigint NOT NULL,
  end_s bigint NOT NULL,
  import_wh bigint NOT NULL,
  export_wh bigint NOT NULL,
  seal_seq bigint NOT NULL,
  PRIMARY KEY (meter, start_s)
);
CREATE INDEX meter_intervals_zone_idx ON meter_intervals (zone, start_s);

CREATE TABLE zone_intervals (
  zone text NOT NULL,
  start_s bigint NOT NULL,
  end_s bigint NOT NULL,
  import_wh bigint NOT NULL,
  export_wh bigint NOT NULL,
  meter_count integer NOT NULL,
  PRIMARY KEY (zone, start_s)
);

CREATE TABLE sample_rollups (
  meter text NOT NULL,
  hour_start_s bigint NOT NULL,
  sample_count integer NOT NULL,
  first_seq bigint NOT NULL,
  last_seq bigint NOT NULL,
  import_start_wh bigint NOT NULL,
  import_end_wh bigint NOT NULL,
  export_start_wh bigint NOT NULL,
  export_end_wh bigint NOT NULL,
  min_power_w integer NOT NULL,
  max_power_w integer NOT NULL,
  PRIMARY KEY (meter, hour_start_s)
);
