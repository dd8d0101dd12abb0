import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { MILLIJOULES_PER_WH, addEnergy, energyMillijoules, newEnergyRegisters } from './energyRegisters.ts';
import type { PowerReading } from './powerCalculation.ts';
import type { WindowSummary } from './windowIntegrator.ts';
import { integrateReading, newWindowState } from './windowIntegrator.ts';

test('remainders carry: 3 600 one-second windows of 1 W make exactly 1 Wh', () => {
  const registers = newEnergyRegisters(0, 0);
  for (let k = 0; k < 3600; k++) addEnergy(registers, energyMillijoules(1, 1000));
  assert.equal(registers, { importWh: 1, exportWh: 0, importRemainderMj: 0, exportRemainderMj: 0 });
});

test('import and export are separate registers that only go up', () => {
  const registers = newEnergyRegisters(10, 20);
  addEnergy(registers, 2 * MILLIJOULES_PER_WH);
  addEnergy(registers, -3 * MILLIJOULES_PER_WH - 5);
  assert.equal(registers, { importWh: 12, exportWh: 23, importRemainderMj: 0, exportRemainderMj: 5 });
});

test('a simulated day of a PV prosumer: registers match the integral within 1 Wh', () => {
  const powerAt = (s: number) => 800 + 600 * Math.sin(s / 5000) - (s > 21600 && s < 64800 ? 4000 * Math.sin((Math.PI * (s - 21600)) / 43200) : 0);
  const state = newWindowState(newEnergyRegisters(0, 0), 10, 30);
  let exactImportWh = 0;
  let exactExportWh = 0;
  const windows: WindowSummary[] = [];
  const startS = 1767225600;
  let lastS = startS;
  const reading = (powerW: number): PowerReading => ({ voltageRmsV: 230, currentRmsA: Math.abs(powerW) / 230, realPowerW: powerW, apparentPowerVa: Math.abs(powerW), powerFactor: 1, cycleCount: 10 });
  integrateReading(state, reading(powerAt(0)), startS, (summary) => windows.push(summary));
  for (let s = 1.013; s <= 86400; s += 1.013) {
    const powerW = powerAt(s);
    const durationS = startS + s - lastS;
    if (powerW > 0) exactImportWh += (powerW * durationS) / 3600;
    else exactExportWh += (-powerW * durationS) / 3600;
    integrateReading(state, reading(powerW), startS + s, (summary) => windows.push(summary));
    lastS = startS + s;
  }
  assert.ok(Math.abs(state.registers.importWh - exactImportWh) <= 1, `import ${state.registers.importWh} vs ${exactImportWh}`);
  assert.ok(Math.abs(state.registers.exportWh - exactExportWh) <= 1, `export ${state.registers.exportWh} vs ${exactExportWh}`);
  assert.is(windows.length, 8640 - 1);
  for (let k = 1; k < windows.length; k++) {
    assert.is(windows[k]!.endS - windows[k - 1]!.endS, 10);
    assert.ok(windows[k]!.importWh >= windows[k - 1]!.importWh && windows[k]!.exportWh >= windows[k - 1]!.exportWh);
  }
});

test.run();
