/** What realistic ECHO work looks like: how often each category comes up, and the tasks it brings. */
export const CATEGORY_WEIGHTS: ReadonlyArray<readonly [string, number]> = [
  ['quick_fix', 30],
  ['development', 25],
  ['technical', 15],
  ['product', 10],
  ['strategic', 8],
  ['operations', 7],
  ['hr', 5],
];

export const TASKS: Readonly<Record<string, readonly string[]>> = {
  quick_fix: [
    'Fix login redirect loop',
    'Patch null check in invoice export',
    'Correct timezone in report header',
    'Bump vulnerable dependency',
  ],
  development: [
    'Implement password reset feature',
    'Add CSV import for contacts',
    'Build notification preferences page',
    'Write API pagination',
  ],
  technical: [
    'Design caching layer for search',
    'Plan database sharding',
    'Review service boundaries',
    'Choose a message queue',
  ],
  product: ['Define onboarding flow', 'Prioritise Q3 roadmap', 'Draft pricing page copy', 'Sketch mobile dashboard'],
  strategic: ['Evaluate market expansion', 'Set engineering OKRs', 'Assess build-vs-buy for billing'],
  operations: ['Plan on-call rotation', 'Reduce cloud spend', 'Prepare incident review'],
  hr: ['Draft hiring plan', 'Update remote work policy', 'Plan team offsite'],
};
