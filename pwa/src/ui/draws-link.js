/** The homes' links to the 双随机 screens (ui/draws.js, ui/conflicts.js, loaded when opened): the supervisor's 双随机抽查,
 * and the inspectors' 利害关系申报 (those of the register of inspectors: enforcement and department officers). */
import { html } from 'htm/preact';
import { t } from '../i18n/index.js';
import { Section } from './parts.js';

/** Who declares ties: the roles of the register of inspectors (the server's `conflicts.declare`). */
export const DECLARING_ROLES = ['enforcement_officer', 'department_officer'];

export const DrawsLink = () => html`<${Section} id="h-draws" title=${t('drawsTitle')}>
  <ul class="list"><li class="row"><a href="#/draws" data-testid="draws-link">
    <span class="row-title">${t('drawsOpen')}</span><span class="muted small">${t('drawsHint')}</span></a></li></ul><//>`;

export const ConflictsLink = () => html`<${Section} id="h-conflicts" title=${t('conflictsTitle')}>
  <ul class="list"><li class="row"><a href="#/conflicts" data-testid="conflicts-link">
    <span class="row-title">${t('conflictsOpen')}</span><span class="muted small">${t('conflictsHint')}</span></a></li></ul><//>`;
