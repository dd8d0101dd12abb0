/**
 * The access check of the household market routes: the caller must be signed in as the meter's owner
 * (`meters.owner_address`), as for readings and seals (`meterDetailRoutes.ts`).
 */
import type { Context } from 'hono';
import type { SignInService } from '../../auth/signInService.ts';
import { findMeter, type MeterWithOwner } from '../../store/queries/findMeter.ts';
import type { RelayDatabase } from '../../store/relayDatabase.ts';
import { httpFailure } from '../httpFailure.ts';
import { requireOwner, requireSession } from '../ownerSession.ts';

/** A meter together with its owner, after the caller was checked to be that owner. */
export interface OwnedMeter extends MeterWithOwner {
  ownerAddress: string;
}

/**
 * Resolves the meter and checks the session: 401 without a valid token, 404 `unknown_meter`, 403 `not_owner`.
 */
export async function requireMeterOwner(c: Context, deps: { db: RelayDatabase; signIn: SignInService }, address: string): Promise<OwnedMeter> {
  const session = requireSession(c, deps.signIn);
  const found = await findMeter(deps.db, address);
  if (found === undefined) throw httpFailure(404, 'unknown_meter', `no meter ${address} is known to this relay`);
  requireOwner(session, address, found.ownerAddress);
  return { meter: found.meter, ownerAddress: session.address };
}
