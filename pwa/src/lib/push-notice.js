/**
 * What the service worker shows for a pushed warning (预警推送): the server's message is the warning's id, level
 * and Chinese title only (server/warnings/push.py). A later message of the same warning (an update, a
 * cancellation) replaces the notice (its tag); a red one stays until it is dismissed.
 */
const LEVELS = { blue: '蓝色', yellow: '黄色', orange: '橙色', red: '红色' };
const CHANGES = { update: '（已变更）', cancel: '（已解除）' };
const ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** [title, options] for showNotification. */
export function warningNotice(message = {}) {
  const id = ID.test(message.id) ? message.id : null;
  const root = ID.test(message.root_id) ? message.root_id : id;
  const title = typeof message.title === 'string' ? message.title.slice(0, 120) : '';
  return [`${LEVELS[message.level] ?? ''}预警`, {
    body: title ? `${title}${CHANGES[message.type] ?? ''}` : '请打开应用查看',
    tag: root ? `warning-${root}` : 'warning',
    renotify: true,
    requireInteraction: message.level === 'red',
    lang: 'zh-CN',
    icon: '/icons/icon-192.png',
    data: { hash: id ? `#/warnings/${id}` : '#/warnings' },
  }];
}
