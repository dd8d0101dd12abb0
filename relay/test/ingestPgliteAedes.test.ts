/** The ingest suite on the embedded defaults: PGlite in memory and aedes in process. */
import { defineIngestSuite } from './ingestSuite.ts';
import { pgliteAedesTransport } from './testTransports.ts';

defineIngestSuite(pgliteAedesTransport);
