package i18n

// Dashboards and wall screens in the store (store/dashboard.go, store/screens.go).
var _ = addUI(map[string][2]string{
	"screen.revoked": {"该大屏令牌无效或已被收回，请联系项目办重新生成", "This screen token is unknown or was revoked: ask the project office for a new one"},
})
