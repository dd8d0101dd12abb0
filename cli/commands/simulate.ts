/**
 * `peer-energy-trader simulate --data DIR --scenario FILE [--json]`: a year of hourly market intervals over the
 * CityLearn household files, cleared by the market core; prints per household and for the community the cost
 * against the no-trading baseline, self-consumption, self-sufficiency, peak grid import and avoided CO2.
 * Scenario format: `cli/simulation/scenario.ts` and `docs/trading_rules.md` §Simulation.
 */
import { readFileSync } from 'node:fs';
import { ConfigError } from '../../shared/config/configError.ts';
import { parseTradingParameters } from '../../shared/config/tradingParameters.ts';
import { DataError, loadCityLearn } from '../simulation/cityLearnData.ts';
import { formatSimulationReport } from '../simulation/formatSimulationReport.ts';
import { runSimulation } from '../simulation/runSimulation.ts';
import { parseScenario, ScenarioError } from '../simulation/scenario.ts';

export const summary = 'simulate a year of hourly trading over CityLearn data: --data DIR --scenario FILE [--json]';

const usage = 'usage: peer-energy-trader simulate --data DIR --scenario FILE [--json]';

/** Runs the command; resolves to the exit code (0, or 2 on bad options, scenario or data). */
export async function run(argv: string[]): Promise<number> {
  let dataDir: string | undefined;
  let scenarioPath: string | undefined;
  let isJson = false;
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    if (arg === '--data') dataDir = argv[++i];
    else if (arg === '--scenario') scenarioPath = argv[++i];
    else if (arg === '--json') isJson = true;
    else {
      process.stderr.write(`peer-energy-trader simulate: unknown_option: expected --data, --scenario or --json, got "${arg}"\n${usage}\n`);
      return 2;
    }
  }
  if (dataDir === undefined || scenarioPath === undefined) {
    process.stderr.write(`peer-energy-trader simulate: missing_option: expected --data DIR and --scenario FILE\n${usage}\n`);
    return 2;
  }
  try {
    let scenarioJson: unknown;
    try {
      scenarioJson = JSON.parse(readFileSync(scenarioPath, 'utf8'));
    } catch (error) {
      throw new ScenarioError(scenarioPath, `expected a readable JSON file, got ${(error as Error).message}`);
    }
    const scenario = parseScenario(scenarioJson);
    const params = parseTradingParameters({ ...process.env, ...scenario.parameters });
    if (params.intervalSeconds !== 3600) {
      throw new ConfigError('inconsistent', 'PET_INTERVAL_SECONDS', `expected 3600 for hourly CityLearn data, got "${params.intervalSeconds}"`);
    }
    const started = performance.now();
    const data = loadCityLearn(dataDir, scenario.feeders.flatMap((feeder) => feeder.homes));
    const result = runSimulation(data, scenario, params);
    const elapsedMs = Math.round(performance.now() - started);
    process.stdout.write(isJson ? JSON.stringify({ scenario: scenario.name, ...result }, null, 2) + '\n' : formatSimulationReport(scenario.name, result, elapsedMs));
    return 0;
  } catch (error) {
    if (error instanceof ScenarioError || error instanceof DataError || error instanceof ConfigError) {
      process.stderr.write(`peer-energy-trader simulate: ${error.code}: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
}
