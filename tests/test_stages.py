from salescli.stages import Stage, stage_words


def test_the_eight_steps_in_course_order() -> None:
    assert [stage.value for stage in Stage] == [
        "prospect", "prepare", "approach", "needs", "demo", "objections", "close", "service",
    ]
    assert [stage.zh for stage in Stage] == [
        "开发新客户", "访前准备", "接近", "开发需求", "产品展示", "异议处理", "促成", "售后服务",
    ]
    assert Stage.DEMO.number == 5


def test_next_stage_ends_at_service() -> None:
    assert Stage.OBJECTIONS.next() is Stage.CLOSE
    assert Stage.SERVICE.next() is None


def test_stage_words_take_key_chinese_name_and_number() -> None:
    words = stage_words()
    assert words["close"] is Stage.CLOSE
    assert words["促成"] is Stage.CLOSE
    assert words["5"] is Stage.DEMO
    assert words["售后服务"] is Stage.SERVICE


def test_the_tables_of_other_modules_come_from_one_record_a_stage() -> None:
    from salescli import config, schedule
    from salescli.stages import RECORDS

    assert [record.stage for record in RECORDS] == list(Stage)
    assert list(config.DEFAULT_PROBABILITIES.values()) == [0.05, 0.10, 0.20, 0.30, 0.50, 0.70, 1.0, 1.0]
    assert list(config.DEFAULT_CATEGORIES.values()) == ["pipeline"] * 3 + ["best_case"] * 2 + ["commit"] * 3
    assert list(config.DEFAULT_STALE_DAYS.values()) == [30, 14, 30, 30, 21, 21, 14, 180]
    assert [schedule.PHASES[stage] for stage in Stage] == ["before"] * 4 + ["during"] * 3 + ["after"]
    assert schedule.COLLECTS[Stage.NEEDS] == ("needs", "funds") \
        and schedule.goal(Stage.DEMO, "zh") == "产品展示：用客户的图纸演示"
    assert Stage.OBJECTIONS.record.en == "handle objections" and stage_words()["negotiation"] is Stage.OBJECTIONS
    assert set(config.DEFAULT_CATEGORIES.values()) <= set(config.CATEGORIES)
    assert {group for record in RECORDS for group in record.collects} <= {group.key for group in schedule.GROUPS}
