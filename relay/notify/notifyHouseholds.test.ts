import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { ClearedInterval } from '../market/clearMarketInterval.ts';
import { openStore } from '../store/openStore.ts';
import { registerMeter } from '../store/queries/registerMeter.ts';
import type { MarketPublisher } from './marketPublisher.ts';
import { listNotifications, notifyCleared } from './notifyHouseholds.ts';

const seller = '0x' + 'a'.repeat(40);
const buyer = '0x' + 'b'.repeat(40);
const lateBuyer = '0x' + 'c'.repeat(40);

function recordingPublisher() {
  const zone: { zone: string; type: string; data: unknown }[] = [];
  const meters: { meter: string; command: Record<string, unknown> }[] = [];
  const publisher: MarketPublisher = {
    toZone: (z, type, data) => zone.push({ zone: z, type, data }),
    toMeter: (meter, command) => meters.push({ meter, command }),
    close: async () => {},
  };
  return { publisher, zone, meters };
}

const cleared: ClearedInterval = {
  zone: 'feeder-1', intervalStartS: 900, intervalEndS: 1800, clearingPriceMicroPerKWh: 150_000, autoPriceMicroPerKWh: 150_000, clearedWh: 400, curtailedWh: 0,
  orders: [
    { meter: '0xm1', forecastNetWh: 700, order: { id: '900:0xm1', participant: seller, side: 'sell', energyWh: 700, limitPriceMicroPerKWh: 150_000 } },
    { meter: '0xm2', forecastNetWh: -400, order: { id: '900:0xm2', participant: buyer, side: 'buy', energyWh: 400, limitPriceMicroPerKWh: 150_000 } },
    { meter: '0xm3', forecastNetWh: -50, order: { id: '900:0xm3', participant: lateBuyer, side: 'buy', energyWh: 50, limitPriceMicroPerKWh: 100_000 } },
  ],
  trades: [
    {
      zoneId: 'feeder-1', sellOrderId: '900:0xm1', buyOrderId: '900:0xm2', seller, buyer, energyWh: 400, priceMicroPerKWh: 150_000, amountMicro: 60_000n,
      sellerFeeMicroPerKWh: 0, buyerFeeMicroPerKWh: 0, sellerFeeMicro: 0n, buyerFeeMicro: 0n, tradeIndex: 0, sellerMeter: '0xm1', buyerMeter: '0xm2', sellerClimb: 0, buyerClimb: 0,
    },
  ],
};

test('a clearing tells the zone (price, trades, energy available nearby), each side of a trade, and the zone’s buyers; stored once', async () => {
  const store = await openStore({ kind: 'pglite', dataDir: 'memory://' });
  try {
    await registerZoneMeters(store.db, 'feeder-1', 5);
    const { publisher, zone, meters } = recordingPublisher();
    await notifyCleared(store.db, publisher, cleared);
    await notifyCleared(store.db, publisher, cleared);
    const trade = zone.find((m) => m.type === 'trades')!.data as Record<string, unknown>[];
    assert.equal(Object.keys(trade[0]!).sort(), ['amountMicro', 'energyWh', 'intervalStartS', 'priceMicroPerKWh', 'status'], 'the zone channel names no household');
    assert.equal([...new Set(zone.map((m) => m.type))], ['interval-cleared', 'trades', 'energy-available']);
    const clearedMessage = zone.find((m) => m.type === 'interval-cleared')!.data as { clearingPriceMicroPerKWh: number; tradeCount: number };
    assert.is(clearedMessage.clearingPriceMicroPerKWh, 150_000);
    assert.is(clearedMessage.tradeCount, 1);
    assert.ok(meters.some((m) => m.meter === '0xm1' && m.command.cmd === 'market' && m.command.event === 'sold'));
    assert.ok(meters.some((m) => m.meter === '0xm3' && m.command.event === 'energy-available'), 'an unmatched buyer hears that energy is available nearby');
    const forSeller = await listNotifications(store.db, seller);
    assert.equal(forSeller.map((n) => n.kind), ['sold']);
    const forLateBuyer = await listNotifications(store.db, lateBuyer);
    assert.equal(forLateBuyer.map((n) => n.kind), ['energy-available']);
    assert.equal((await listNotifications(store.db, buyer)).map((n) => n.kind).sort(), ['bought', 'energy-available']);
  } finally {
    await store.close();
  }
});

test('a zone of fewer than 5 meters gets nothing on its channel; its households still hear their own news', async () => {
  const store = await openStore({ kind: 'pglite', dataDir: 'memory://' });
  try {
    await registerZoneMeters(store.db, 'feeder-1', 4);
    const { publisher, zone, meters } = recordingPublisher();
    await notifyCleared(store.db, publisher, cleared);
    assert.equal(zone, []);
    assert.ok(meters.some((m) => m.meter === '0xm1' && m.command.event === 'sold'));
  } finally {
    await store.close();
  }
});

async function registerZoneMeters(db: Parameters<typeof registerMeter>[0], zoneName: string, count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    await registerMeter(db, { address: '0x' + (i + 1).toString(16).padStart(40, '0'), zone: zoneName, ownerAddress: '0x' + 'e'.repeat(40) });
  }
}

test.run();
