/** 界面文字（简体中文，默认语言）。Keys are shared with en.js; {name} is filled in by t(). */
export default {
  appName: '江汉安全网格',
  // navigation
  navHome: '首页', navMine: '我的上报', navOutbox: '待发送', navSettings: '设置', navSummary: '统计',
  mainNav: '主导航', back: '返回',
  // login
  loginTitle: '登录', loginName: '手机号或用户名', password: '密码', signIn: '登录', signingIn: '正在登录…',
  loginOffline: '没有网络，无法登录。首次登录需要联网。', reloginTitle: '登录已过期，请重新登录',
  reloginHint: '待发送的内容都已保留，登录后继续发送。', otherUserWarning: '此手机上还有其他账号未发送的 {n} 条记录，它们会等该账号登录后再发送。',
  // outbox
  outboxAllSent: '全部已发送', outboxProgress: '{sent}/{total} 已发送', outboxSending: '正在发送…',
  outboxWaitingNet: '等待网络', outboxRetryIn: '{s} 秒后重试', outboxPaused: '已暂停：请重新登录',
  outboxAttention: '{n} 条需要处理', outboxTitle: '待发送', outboxQueuedTitle: '等待发送',
  outboxAttentionTitle: '需要处理', outboxEmpty: '没有等待发送的内容。', retryNow: '立即重试', retryItem: '重新发送',
  discardItem: '放弃此条', confirmDiscard: '确定放弃这条记录吗？它不会被发送。', serverSaid: '服务器答复：{msg}',
  kindPhoto: '照片', kindHazard: '隐患报告', kindCheckin: '到场打卡', kindTransition: '操作',
  queued: '待发送', needsAttention: '需要处理',
  photosProgress: '照片 {sent}/{total} 已发送', photosWaiting: '{n} 张照片待发送', queuedPhotoAlt: '待发送照片 {n}', refusedPhoto: '照片 {n}：',
  outboxOfflineHint: '等待网络：恢复连接后会自动发送，无需操作。',
  // home
  todayWork: '今日工作', mySites: '我的网格场所', openHazards: '未办结隐患', inbox: '消息',
  noSites: '暂无场所（联网同步后显示）。', noHazards: '暂无隐患。', noMessages: '暂无消息。',
  scan: '扫码', enterCode: '输入编码', open: '打开', codeHint: '场所码为 15 位，如 A000C-1S446-C88C2',
  codeInvalid: '场所码格式不对：应为 15 位字母和数字。', lastSync: '上次同步 {time}', neverSynced: '尚未同步',
  syncNow: '立即同步', syncing: '正在同步…', syncFailed: '同步失败：{msg}', offline: '离线', online: '在线',
  // scan
  scanTitle: '扫描场所码', cameraDenied: '无法打开相机：{msg}。可以手动输入编码。', stopCamera: '关闭相机',
  resolving: '正在识别场所码…', tagUnknownOffline: '离线时无法识别这个场所码。打卡已记录，联网后识别。',
  tagRefused: '场所码无效：{msg}',
  // site
  siteTitle: '场所', checkedIn: '已打卡 {time}', checkinQueued: '（待发送）', checkinSent: '（已发送）',
  reportHazard: '报告隐患', siteOpenHazards: '该场所的未办结隐患', siteHistory: '历史记录',
  noSiteHistory: '暂无记录。', siteUnknown: '未识别的场所（编码 {code}）', address: '地址', enterprise: '企业',
  riskLevel: '风险等级',
  // report
  reportTitle: '报告隐患', category: '隐患类别', level: '隐患等级', levelGeneral: '一般', levelMajor: '重大',
  description: '隐患描述', descriptionHint: '可不填，默认为类别名称', takePhoto: '拍照', photos: '照片',
  removePhoto: '删除照片 {n}', save: '保存', saving: '正在保存…', savedQueued: '已保存，待发送。',
  chooseCategory: '请选择隐患类别。', photoFailed: '照片处理失败：{msg}', location: '位置',
  locationNone: '未获取到位置', photoAlt: '隐患照片 {n}',
  locationNear: '距场所约 {d}（精度 ±{acc} 米）', locationFixed: '已定位（精度 ±{acc} 米）', locationGrid: '网格：{grid}',
  metres: '{n} 米', kilometres: '{n} 公里',
  // hazard
  hazardTitle: '隐患详情', state: '状态', observedAt: '发现时间', receivedAt: '收到时间', deadline: '整改期限',
  responsibleParty: '责任单位', ackCountdown: '受理剩余 {m} 分', ackOverdue: '已超时 {m} 分',
  timeline: '处理经过', noTimeline: '联网后显示处理经过。', actions: '可执行的操作', noActions: '当前没有您可执行的操作。',
  pendingAction: '“{action}”待发送，发送后才能继续操作。', pendingAttention: '“{action}”未成功：{msg}',
  conflict: '该隐患已被他人更新（当前状态：{state}）。请查看最新状态后再操作。', refresh: '刷新',
  confirmAction: '确认{action}', photoPending: '照片待上传', photoLocal: '照片在手机上待发送',
  // hazard: who, where, the major-hazard record, documents, photos
  reporter: '上报人', openSite: '查看场所', majorTitle: '重大隐患治理', notYet: '尚未报送', notListed: '未挂牌',
  listingNumber: '督办编号', listedAt: '挂牌时间', delistedAt: '摘牌时间', extensionAsked: '申请延期至',
  noExtension: '未申请延期', currentDeadline: '当前整改期限：{d}', chooseOne: '请选择“{field}”。',
  documents: '文书', noDocuments: '暂无文书。', documentsOffline: '联网后显示文书。', documentPending: '正在生成',
  documentFailed: '文书生成失败', openFailed: '无法打开：{msg}', opening: '正在打开…', aDocument: '文书', aField: '项目',
  openPhoto: '查看照片 {n}（共 {total} 张）', photoViewer: '照片', photoOf: '第 {n} 张，共 {total} 张',
  prevPhoto: '上一张', nextPhoto: '下一张', close: '关闭', loadingPhoto: '正在载入照片…', photoUnavailable: '照片暂时无法显示',
  // the loop's actions, states and form fields are named by the server's vocabularies (lib/loop.js)
  anAction: '操作', aState: '状态未知', f_photo_ids_required: '请至少拍一张照片。', st_queued: '待发送',
  chooseDuplicate: '请选择', required: '必填',
  // station
  triageQueue: '待受理（{n}）', reinspectQueue: '待复查（{n}）', rectifyingList: '整改中（{n}）',
  // enterprise
  notices: '整改通知（{n}）', selfCheck: '自查自改', ownSites: '本单位场所', toRectify: '待处理隐患（{n}）',
  // mine
  mineTitle: '我的上报', mineEmpty: '还没有上报过隐患。',
  // supervisor
  summaryTitle: '隐患统计（近 30 天）', street: '街道', reported: '上报', closureRate: '办结率', overdue: '逾期',
  ackWithin30: '30 分钟内受理', overdueAck: '超时未受理', total: '合计', summaryOffline: '离线：显示 {time} 的数据。',
  chartTitle: '各街道办结率', noData: '暂无数据',
  summaryByStreet: '各街道统计',
  // settings
  settingsTitle: '设置', language: '界面语言', account: '账号', signOut: '退出登录',
  signOutQueued: '还有 {n} 条未发送。退出后它们会保留，重新登录后继续发送。确定退出吗？', storage: '存储',
  storagePersisted: '已申请持久存储：浏览器不会自动清除待发送内容。', storageNotPersisted: '浏览器未授予持久存储：手机空间不足时，浏览器可能清除尚未发送的记录。',
  storageAdvice: '请将本应用添加到主屏幕（浏览器菜单中的“添加到主屏幕”或“安装应用”），从主屏幕打开后点“再次申请”。在此之前，有待发送的记录时请保持本应用打开，直到显示“{allSent}”。',
  storageAdviceInstalled: '请清理手机存储空间后点“再次申请”。在此之前，有待发送的记录时请保持本应用打开，直到显示“{allSent}”。',
  storageRetry: '再次申请', storageStillNot: '浏览器仍未授予持久存储。',
  clockOffset: '手机时钟与服务器相差 {s} 秒', version: '版本 {v}',
  updateReady: '有新版本可用', update: '更新', updateWaiting: '正在等待发送完成…',
  // roles
  role_grid_worker: '网格员', role_station_officer: '安监站', role_enterprise_user: '企业', role_supervisor: '区应急管理局',
  role_department_officer: '行业部门', role_enforcement_officer: '执法人员', role_expert: '专家', role_admin: '管理员',
  hazardsInScope: '范围内的隐患（{n}）', minutes: '{m} 分钟',
  // offline readiness and sign-in through a bad network (issue 13: network)
  offlineTitle: '离线使用', offlinePreparing: '正在准备离线使用…', offlineReady: '已可离线使用',
  offlineRetrying: '离线准备失败，正在重试', offlineUnsupported: '此浏览器不支持离线使用，请用手机自带浏览器或 Chrome 打开。',
  signingInRetry: '网络不稳定，正在第 {n} 次尝试登录…', loginNetworkFailed: '网络不稳定，登录未完成。请到信号好的地方再点“登录”。',
  loginFailedUnknown: '登录未成功，请再试一次。',
};
