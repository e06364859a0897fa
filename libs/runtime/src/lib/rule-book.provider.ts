import { applyRuleOverrides, ladderProblems, OVERRIDABLE_RULES, RULE_SETS, RuleBook, type RuleOverrides } from '@penalty/domain';
import { ConfigError, loadConfig, MarketplaceConfig } from './service-config';

/**
 * The rule versions this deployment runs with: the rulebook's, with the project defaults an operator
 * changed in RULE_OVERRIDES (JSON, e.g. {"appealWindowDays":15,"ladders":{"GENERAL":[…]}}). Every
 * service of a deployment must be given the same overrides.
 */
export function ruleBookFromEnvironment(env: Record<string, string | undefined> = process.env): RuleBook {
  const overrides = ruleOverridesFromEnvironment(env);
  const { DEFAULT_MARKETPLACE } = loadConfig(MarketplaceConfig, env);
  return new RuleBook(overrides ? applyRuleOverrides(RULE_SETS, overrides) : RULE_SETS, DEFAULT_MARKETPLACE);
}

/** RULE_OVERRIDES, checked (unknown rules, malformed ladders stop the boot); undefined when unset. */
export function ruleOverridesFromEnvironment(env: Record<string, string | undefined> = process.env): RuleOverrides | undefined {
  const raw = env.RULE_OVERRIDES;
  if (raw === undefined || raw.trim() === '') return undefined;
  let overrides: unknown;
  try {
    overrides = JSON.parse(raw);
  } catch (error) {
    throw new ConfigError(`Invalid configuration:\n  RULE_OVERRIDES: not JSON (${(error as Error).message})`);
  }
  if (typeof overrides !== 'object' || overrides === null || Array.isArray(overrides)) {
    throw new ConfigError('Invalid configuration:\n  RULE_OVERRIDES: must be a JSON object');
  }
  const unknown = Object.keys(overrides).filter((key) => !(OVERRIDABLE_RULES as readonly string[]).includes(key));
  if (unknown.length > 0) throw new ConfigError(`Invalid configuration:\n  RULE_OVERRIDES: unknown rules ${unknown.join(', ')} (known: ${OVERRIDABLE_RULES.join(', ')})`);
  // A ladder's nodes become sanctions' cause.node: one the contract would refuse must stop the boot, not be dead-lettered later.
  const ladders = 'ladders' in overrides ? ladderProblems((overrides as { ladders: unknown }).ladders) : [];
  if (ladders.length > 0) throw new ConfigError(`Invalid configuration:\n${ladders.map((p) => `  RULE_OVERRIDES: ${p}`).join('\n')}`);
  return overrides as RuleOverrides;
}

export const ruleBookProvider = { provide: RuleBook, useFactory: (): RuleBook => ruleBookFromEnvironment() };
