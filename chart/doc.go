// Package chart draws ding's charts as SVG on the server: pure functions from plain values
// to SVG bytes, with no script, no style sheet, no external resource and no randomness, so
// the same figures always give the same bytes (pages can be cached, tests can compare).
//
// The kinds:
//
//   - [Bars]: grouped bars with running-total lines on a right-hand axis (amounts in yuan).
//   - [StackedBars]: categories × series stacked vertically, with the total on top.
//   - [Line]: one or several series over categories, with point markers and an optional
//     dashed reference line such as 时序进度.
//   - [Donut]: parts of a whole, with percentages and the total in the hole.
//   - [RankBars]: horizontal bars in the order given ("1. 衢江区"), the value and an
//     optional note ("红2") at each bar's end, highlighted bars, missing values ("—"), an
//     optional reference line, and a scale that can be held to full marks or 100 %.
//   - [Gauge]: completion against 时序进度, as a semicircle or a horizontal bullet.
//   - [SmallMultiples]: a grid of small line or bar charts, one per unit, on one scale.
//
// Conventions, shared by every kind except the older [Bars] (which keeps its own looks, an
// aria-label, and amounts in yuan shown in 万 unless given a Format; it has Dark too):
//
//   - Values are int64 in whatever unit the caller chooses (yuan, counts, basis points);
//     Format turns one into text (default [Integer]; see also [Wan], [Yi], [Scaled]) and
//     Unit names it ("亿元", "个", "%"). The gauge takes fractions (0.625 = 62.5 %).
//   - Axes start at zero, run through zero for negative values, and step by 1, 2 or 5 ×
//     10ⁿ, the finest such step whose labels Format can tell apart.
//   - Each series has an Okabe–Ito colour (told apart by colour-blind readers) and its own
//     fill pattern, line dash and marker shape, so that it survives black-and-white print.
//     Patterns live in <defs> under ids prefixed by the chart's ID: give every chart on a
//     page its own ID.
//   - The root is <svg role="img" aria-labelledby=…> with a <title> and a <desc>; every
//     bar, slice and point carries a <title> tooltip ("衢江区 · 2024年6月 · 12.34 亿元").
//     All text is escaped; long labels are cut with "…" and keep their full text in a
//     <title>; crowded category labels are thinned.
//   - The SVG has a viewBox and a natural width and height (for a laptop screen, text of
//     12 px or more); style it with width:100%; height:auto to scale. Only presentation
//     attributes are used, never style attributes, so a strict Content-Security-Policy
//     does not hide anything.
//   - Dark draws light text and grid lines on a dark ground, for the wall screen.
//   - Tests write every sample chart to $CHART_SAMPLES/*.svg when that variable is set
//     (CHART_SAMPLES=/tmp/charts go test ./chart/), to look at them in a browser.
//   - No data (no categories, no values, a zero total for a donut) draws the Empty
//     message (default 暂无数据); all-zero values are data and are drawn as zeros. No input
//     makes NaN or Inf appear in the output.
package chart
