/** The delivery suite on the machine's PostgreSQL (fresh schema) and Mosquitto (unique topic prefix). */
import { defineDeliverySuite } from './deliverySuite.ts';
import { postgresMosquittoTransport } from './testTransports.ts';

defineDeliverySuite(postgresMosquittoTransport);
