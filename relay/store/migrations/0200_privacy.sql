-- Privacy room tables (relay/store/privacySchema.ts mirrors them; docs/privacy.md explains each).

-- Personal fields an owner may set on a meter, encrypted at rest with AES-256-GCM (relay/privacy/fieldCipher.ts):
-- each value is "pet-gcm1.<keyId>.<iv>.<data>", so the key id travels with the ciphertext. NULL = not set.
CREATE TABLE IF NOT EXISTS meter_profiles (
  meter text PRIMARY KEY,
  label_encrypted text,
  owner_contact_encrypted text,
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- After an erasure (GDPR art. 17): the meter's former owner as a keyed hash (relay/privacy/ownerPseudonym.ts),
-- linking the settlement records kept by law to the person only for someone who holds the data key.
CREATE TABLE IF NOT EXISTS meter_pseudonyms (
  meter text PRIMARY KEY,
  owner_pseudonym text NOT NULL,
  key_id text NOT NULL,
  erased_at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX IF NOT EXISTS meter_pseudonyms_owner_idx ON meter_pseudonyms (owner_pseudonym);

-- The log of erasures: when, and how many rows of each kind were deleted or kept. No address, no pseudonym.
CREATE TABLE IF NOT EXISTS privacy_erasures (
  id bigserial PRIMARY KEY,
  erased_at timestamptz NOT NULL DEFAULT now(),
  meter_count integer NOT NULL,
  deleted_json text NOT NULL,
  kept_json text NOT NULL
);
