/** ECHO's defaults, so that an ECHO user needs no configuration. */

/**
 * The delegator's table: the model it sets as `<ROLE>_MODEL` for an agent it spawns (and the seed's memory figures
 * follow).
 */
export const ROLE_MODELS: Readonly<Record<string, string>> = {
  ceo: 'qwen2.5:14b',
  cto: 'deepseek-coder:33b',
  chro: 'llama3.1:8b',
  operations_head: 'mistral:7b',
  product_manager: 'llama3.1:8b',
  senior_architect: 'deepseek-coder:33b',
  uiux_engineer: 'llama3.2-vision:11b',
  senior_developer: 'deepseek-coder:6.7b',
  test_lead: 'codellama:13b',
};

export const CATEGORY_AGENTS: Readonly<Record<string, readonly string[]>> = {
  strategic: ['ceo', 'cto', 'product_manager'],
  technical: ['cto', 'senior_architect', 'senior_developer'],
  development: ['senior_developer', 'test_lead'],
  hr: ['ceo', 'chro'],
  operations: ['operations_head', 'cto'],
  product: ['product_manager', 'ceo', 'uiux_engineer'],
  quick_fix: ['senior_developer'],
};

/** The seed's per-role figures (GB). They equal 1 GB per billion parameters of each role's model. */
export const ROLE_MEMORY_GB: Readonly<Record<string, number>> = {
  ceo: 14,
  cto: 33,
  chro: 8,
  operations_head: 7,
  product_manager: 8,
  senior_architect: 33,
  uiux_engineer: 11,
  senior_developer: 6.7,
  test_lead: 13,
};

/** The seed's figure for a role it does not know, whose model size cannot be read either. */
export const UNKNOWN_AGENT_MEMORY_GB = 5;

export const UNKNOWN_MODEL = 'unknown';

/** The model of an agent the delegator spawns. */
export function defaultModelFor(role: string): string {
  return ROLE_MODELS[role] ?? UNKNOWN_MODEL;
}

/**
 * `EchoShared.LLM.Config`'s defaults (apps/echo_shared/lib/echo_shared/llm/config.ex
 * at ECHO 1537b49): the model of an agent started any other way (Claude
 * Desktop, a script, by hand) without `<ROLE>_MODEL` in its environment.
 */
export const LLM_CONFIG_MODELS: Readonly<Record<string, string>> = {
  ceo: 'llama3.1:8b',
  cto: 'deepseek-coder:6.7b',
  chro: 'llama3.1:8b',
  operations_head: 'mistral:7b',
  product_manager: 'llama3.1:8b',
  senior_architect: 'deepseek-coder:6.7b',
  uiux_engineer: 'llama3.1:8b',
  senior_developer: 'deepseek-coder:6.7b',
  test_lead: 'deepseek-coder:6.7b',
};

/** ECHO's roles, and its delegator, whose channels `messages:<role>` its processes subscribe to. */
export const ECHO_ROLES: readonly string[] = [...Object.keys(LLM_CONFIG_MODELS), 'delegator'];

/** LLM.Config's own fallback for a role it does not know. */
const LLM_CONFIG_FALLBACK = 'llama3.1:8b';

/** The model ECHO's own code gives an agent that no one gave one. */
export function echoModelFor(role: string): string {
  return LLM_CONFIG_MODELS[role] ?? LLM_CONFIG_FALLBACK;
}
