/**
 * The warning form's areas: the streets, each unfolding into its communities and each community into its grids
 * (read when unfolded). Ticking an area covers what lies under it, shown ticked and fixed; the choice is listed by
 * name under the tree, so that what a folded street holds is never out of sight.
 */
import { html } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import { t } from '../i18n/index.js';
import { get } from '../lib/api.js';
import { chosenUnder, coveredBy, toggleArea } from '../lib/warnings.js';

const CHILD = { street: 'community', community: 'grid' };
const byId = (areas) => Object.fromEntries(areas.map((a) => [a.id, a]));

function Node({ area, ctx }) {
  const { chosen, known, open, children, onChange, unfold } = ctx;
  const above = coveredBy(area, chosen, known);
  const ticked = chosen.includes(area.id) || above != null;
  const inside = chosenUnder(area, chosen, known);
  const folded = !open.has(area.id);
  return html`<li>
    <div class="area-row">
      <label class="check"><input type="checkbox" checked=${ticked} disabled=${above != null}
        onChange=${() => onChange(toggleArea(chosen, area, known))} /> ${area.name}</label>
      ${CHILD[area.level] && html`<button type="button" class="link unfold" aria-expanded=${!folded}
        onClick=${() => unfold(area)}>
        ${t(folded ? `warnUnfold_${CHILD[area.level]}` : 'warnFold')}${folded && inside ? ` · ${t('warnChosenN', { n: inside })}` : ''}
      </button>`}
    </div>
    ${!folded && html`<ul>${children[area.id] == null ? html`<li class="muted small">${t('warnLoading')}</li>`
      : children[area.id].length === 0 ? html`<li class="muted small">${t('warnNoParts')}</li>`
        : children[area.id].map((c) => html`<${Node} key=${c.id} area=${c} ctx=${ctx} />`)}</ul>`}
  </li>`;
}

export function AreaPicker({ chosen, onChange, error }) {
  const [streets, setStreets] = useState(null);
  const [children, setChildren] = useState({}); // parent id → its areas, once read
  const [open, setOpen] = useState(new Set());
  const [known, setKnown] = useState({}); // every area read: id → area (its path tells what covers what)
  const learn = (areas) => setKnown((k) => ({ ...k, ...byId(areas) }));
  useEffect(() => {
    get('areas?level=street&page_size=100').then((list) => { setStreets(list); learn(list); }).catch(() => setStreets([]));
  }, []);
  // an update starts from its message's areas: read those not yet known (a community's or a grid's path)
  useEffect(() => {
    for (const id of chosen.filter((a) => !known[a])) get(`areas/${id}`).then((a) => learn([a])).catch(() => {});
  }, [chosen.join(',')]);

  const unfold = async (area) => {
    const next = new Set(open);
    if (next.has(area.id)) next.delete(area.id); else next.add(area.id);
    setOpen(next);
    if (!children[area.id]) {
      const list = await get(`areas?parent_id=${area.id}&level=${CHILD[area.level]}&page_size=100`).catch(() => []);
      setChildren((c) => ({ ...c, [area.id]: list }));
      learn(list);
    }
  };

  const ctx = { chosen, known, open, children, onChange, unfold };
  const names = chosen.map((id) => known[id]?.name).filter(Boolean);
  return html`<fieldset class="warn-area-tree" data-testid="warning-areas">
    <legend>${t('warnAreas')}</legend>
    <p class="muted small">${t('warnAreasHint')}</p>
    ${streets == null ? html`<p class="muted">${t('warnLoading')}</p>`
      : html`<ul class="area-tree">${streets.map((s) => html`<${Node} key=${s.id} area=${s} ctx=${ctx} />`)}</ul>`}
    <p class="small" data-testid="warning-areas-chosen">${t('warnChosen')}${names.length ? names.join('、') : t('warnChosenNone')}</p>
    ${error && html`<p role="alert" class="error">${error}</p>`}
  </fieldset>`;
}
