/** The delivery suite on the embedded defaults: PGlite in memory and aedes in process. */
import { defineDeliverySuite } from './deliverySuite.ts';
import { pgliteAedesTransport } from './testTransports.ts';

defineDeliverySuite(pgliteAedesTransport);
