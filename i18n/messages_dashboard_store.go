package i18n

// Dashboards and wall screens in the store (store/dashboard.go, store/screens.go).
var _ = addUI(map[string][2]string{
	"screen.revoked":                  {"该大屏令牌无效或已被收回，请联系项目办重新生成", "This screen token is unknown or was revoked: ask the project office for a new one"},
	"bulletin.published":              {"该月通报已发布，不能再修改或重新生成", "The bulletin is published: it can no longer change or be built again"},
	"bulletin.stale":                  {"该通报已被他人更新，请刷新后重试", "Someone updated this bulletin: reload and try again"},
	"bulletin.target_absent":          {"点评对象不在本期通报中", "The unit or project commented on is not in this bulletin"},
	"notify.event.bulletin.published": {"月度通报已发布", "The monthly bulletin was published"},
})
