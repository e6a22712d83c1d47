/** The ledgers (台账) the server exports (server/ledgers/sheets.py LEDGERS), and the filters the screen sends. */
export const LEDGER_KINDS = ['hazards', 'inspections', 'enterprises', 'sites', 'checkins'];

/** The query string of the list's filters this screen offers (the hazards': open only, a level). */
export function ledgerQuery(kind, { open, level }) {
  const q = new URLSearchParams();
  if (kind === 'hazards' && open) q.set('open', 'true');
  if (kind === 'hazards' && level) q.set('level', level);
  const text = q.toString();
  return text ? `?${text}` : '';
}
