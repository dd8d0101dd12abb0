/** The ingest suite on the machine's PostgreSQL (fresh schema) and Mosquitto (unique topic prefix and client ids). */
import { defineIngestSuite } from './ingestSuite.ts';
import { postgresMosquittoTransport } from './testTransports.ts';

defineIngestSuite(postgresMosquittoTransport);
