-- End-to-end delivery (docs/adr/0303-end-to-end-acknowledgement.md; relay/store/schema.ts mirrors these).

-- Missing ranges a meter reported it no longer holds (its status's heldFromSeq lies above them): gone for good.
-- One row per maximal missing range, recorded once; the watermark (chain_heads.contiguous_seq) moves across them.
-- reason: 'meter_queue_overflow' (the status counted dropped records) or 'meter_no_longer_holds'.
CREATE TABLE IF NOT EXISTS abandoned_gaps (
  meter text NOT NULL,
  from_seq bigint NOT NULL,
  to_seq bigint NOT NULL,
  reason text NOT NULL,
  recorded_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (meter, from_seq)
);

-- A gap closes when the watermark passes its to_seq (filled, or abandoned); until then the relay asks the meter
-- to send again, counting its requests.
ALTER TABLE chain_gaps ADD COLUMN IF NOT EXISTS closed_at timestamptz;
ALTER TABLE chain_gaps ADD COLUMN IF NOT EXISTS resend_requests integer NOT NULL DEFAULT 0;
ALTER TABLE chain_gaps ADD COLUMN IF NOT EXISTS last_resend_at timestamptz;

-- Gaps recorded before this migration that the watermark has already passed.
UPDATE chain_gaps g SET closed_at = h.updated_at FROM chain_heads h WHERE g.meter = h.meter AND g.to_seq <= h.contiguous_seq AND g.closed_at IS NULL;

-- The gap-repair timer reads only open gaps.
CREATE INDEX IF NOT EXISTS chain_gaps_open_idx ON chain_gaps (meter, from_seq) WHERE closed_at IS NULL;

-- Lowest seq the meter still holds in its flash queue, from its latest status (NULL: older firmware).
ALTER TABLE meter_status ADD COLUMN IF NOT EXISTS held_from_seq bigint;
