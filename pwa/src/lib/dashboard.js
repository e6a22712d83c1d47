/** The dashboard's arithmetic (ui/dashboard.js), apart so that it is tested without a browser. */
import { shanghaiDay } from './tasks.js';

/**
 * The app's link for a figure's list: hazards open in the hazard list (asked of the server), with what the figure is
 * (`label`, shown above the list, never sent); others have none.
 */
export function drillHref(figure, label) {
  if (!figure?.list?.path?.endsWith('/hazards')) return null;
  return `#/hazards?${new URLSearchParams({ server: '1', ...(label ? { label } : {}), ...figure.list.query })}`;
}

/** The last 12 months, newest first, as YYYY-MM keys in Asia/Shanghai. */
export function recentMonths(now = Date.now(), count = 12) {
  const [year, month] = shanghaiDay(now).slice(0, 7).split('-').map(Number);
  return Array.from({ length: count }, (_, i) => {
    const index = year * 12 + (month - 1) - i;
    return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;
  });
}
