/** GB as the monitor means it (GiB), for tests that think in GB and check exact bytes. */
export const GIB = 1024 ** 3;
export const MIB = 1024 ** 2;

/** `gib(6.7)`: whole bytes, rounded as the monitor rounds a GB figure it is given. */
export const gib = (gb: number): number => Math.round(gb * GIB);
