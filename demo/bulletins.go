package demo

import (
	"fmt"
	"time"

	"ding"
)

// The monthly bulletins (月度通报) of 2024: built by the district's office at each month's
// end of the replay, from the records as they stood then, with its commentary (点评) on
// the units first and last in the ranking and on the first red project, and published —
// all but December's, which stays a draft for the office to finish.
func (s *seeder) bulletin(m time.Month) error {
	b, err := s.db.BuildBulletin(s.ctx, s.res.DistrictID, demoYear, int(m))
	if err != nil {
		return fmt.Errorf("demo: bulletin %s: %w", m, err)
	}
	sched := ding.Schedule(demoYear, int(m), false)
	var best, worst *ding.BulletinUnit
	for i := range b.Data.Units {
		u := &b.Data.Units[i]
		if u.Rank == 0 {
			continue
		}
		if best == nil || u.Rank < best.Rank {
			best = u
		}
		if worst == nil || u.Rank > worst.Rank {
			worst = u
		}
	}
	var comments []*ding.BulletinComment
	if best != nil {
		c := ding.Completion(best.Completed, best.Plan, true, true, true)
		comments = append(comments, &ding.BulletinComment{Kind: "unit", TargetID: best.UnitID,
			Text: fmt.Sprintf("投资完成率 %s，居全区第一，予以通报表扬。", c.Pct())})
	}
	if worst != nil && worst != best {
		c := ding.Completion(worst.Completed, worst.Plan, true, true, true)
		text := fmt.Sprintf("投资完成率 %s，排名末位", c.Pct())
		if gap := ding.ScheduleGap(c, sched); gap.OK && gap.Float() < 0 {
			text += fmt.Sprintf("，落后序时进度 %s 个百分点", gap.PP()[1:])
		}
		comments = append(comments, &ding.BulletinComment{Kind: "unit", TargetID: worst.UnitID,
			Text: text + "。请主要负责人牵头，倒排工期、挂图作战，下月例会专题汇报。"})
	}
	for _, w := range b.Data.Warnings {
		if w.Colour == "red" {
			comments = append(comments, &ding.BulletinComment{Kind: "project", TargetID: w.ProjectID,
				Text: "红色预警项目：请责任单位和联系领导专题研究，一周内报送整改措施。"})
			break
		}
	}
	comments = append(comments, &ding.BulletinComment{Kind: "general",
		Text: "各单位要对照序时进度查漏补缺，对预警项目逐一销号，确保月度目标按期完成。"})
	for _, c := range comments {
		c.BulletinID = b.ID
		if err := s.db.AddBulletinComment(s.ctx, c); err != nil {
			return fmt.Errorf("demo: bulletin %s comment: %w", m, err)
		}
	}
	if m == time.December {
		return nil
	}
	b, err = s.db.FindBulletin(s.ctx, b.ID)
	if err != nil {
		return err
	}
	if _, err := s.db.PublishBulletin(s.ctx, b.ID, b.Version); err != nil {
		return fmt.Errorf("demo: publish bulletin %s: %w", m, err)
	}
	return nil
}
