// One formatter for every row and chart tick: building one per call is what costs.
const TIME_OF_DAY = new Intl.DateTimeFormat([], { hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });

/** Times and dates as this browser's user reads them. */
export const timeOf = (instant: string | number): string => TIME_OF_DAY.format(new Date(instant));

export const dayOf = (instant: string): string => {
  const date = new Date(instant);
  return `${date.getFullYear()}-${String(date.getMonth() + 1).padStart(2, '0')}-${String(date.getDate()).padStart(2, '0')}`;
};
