/**
 * 重大隐患治理: what a major hazard's page shows of its own record: the rectification plan (五落实), the dual report
 * (双报告), the listing for supervision (挂牌督办) with its number, and the extension asked for and its decision.
 * Names come from the server's vocabularies (lib/loop.js), the page's own words from i18n.
 */
import { html } from 'htm/preact';
import { formatDate, formatTime, t } from '../i18n/index.js';
import { actionName, choiceName, flagNames, hazardField } from '../lib/loop.js';
import { state } from '../store.js';

const Fact = ({ term, children }) => html`<dt>${term}</dt><dd>${children}</dd>`;

function Plan({ plan }) {
  const field = hazardField(state.vocab, 'plan');
  return html`<h3>${field.label}</h3>
    ${plan ? html`<dl class="facts" data-testid="plan">${field.parts.map((part) => html`<${Fact} key=${part.name} term=${part.label}>
        ${part.kind === 'date' ? formatDate(plan[part.name]) : plan[part.name]}<//>`)}</dl>`
    : html`<p class="muted">${t('notYet')}</p>`}`;
}

function DualReport({ hazard }) {
  const dates = ['regulator_reported_at', 'workers_congress_reported_at'];
  const reported = dates.some((name) => hazard[name]);
  return html`<h3>${actionName(state.vocab, 'record_dual_report')}</h3>
    ${reported ? html`<dl class="facts" data-testid="dual-report">${dates.map((name) => html`<${Fact} key=${name}
        term=${hazardField(state.vocab, name).label}>${formatDate(hazard[name]) || '—'}<//>`)}</dl>`
    : html`<p class="muted">${t('notYet')}</p>`}`;
}

function Listing({ hazard }) {
  return html`<h3>${actionName(state.vocab, 'list')}</h3>
    ${hazard.listed_at ? html`<dl class="facts" data-testid="listing">
        <${Fact} term=${t('listingNumber')}>${hazard.listing_number || '—'}<//>
        <${Fact} term=${t('listedAt')}>${formatTime(hazard.listed_at)}<//>
        ${hazard.delisted_at && html`<${Fact} term=${t('delistedAt')}>${formatTime(hazard.delisted_at)}<//>`}</dl>`
    : html`<p class="muted">${t('notListed')}</p>`}`;
}

function Extension({ hazard }) {
  const decision = hazardField(state.vocab, 'approved');
  const outcome = hazard.extension_decision
    ? choiceName(decision, hazard.extension_decision === 'approved')
    : flagNames(state.vocab, { flags: ['extension_pending'] })[0];
  return html`<h3>${actionName(state.vocab, 'request_extension')}</h3>
    ${hazard.extension_until ? html`<dl class="facts" data-testid="extension">
        <${Fact} term=${t('extensionAsked')}>${formatTime(hazard.extension_until, { year: true })}<//>
        <${Fact} term=${decision.label}>${outcome}<//></dl>`
    : html`<p class="muted">${t('noExtension')}</p>`}`;
}

export function MajorHazard({ hazard }) {
  return html`<section aria-labelledby="h-major" class="major">
    <h2 id="h-major">${t('majorTitle')}</h2>
    <${Plan} plan=${hazard.plan} />
    <${DualReport} hazard=${hazard} />
    <${Listing} hazard=${hazard} />
    <${Extension} hazard=${hazard} />
  </section>`;
}
