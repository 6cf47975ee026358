"""Build the demo organisation: villages, sites, children, tutors, volunteer mothers and accounts.

Everything is drawn from one seeded random generator, so every load gives the same data.
Place names are real townships of Huangzhou District; village points are placed around them.
"""

from __future__ import annotations

import datetime as dt
import math
import random

from scheduler_app.auth.services import hash_password, new_session_token
from scheduler_app.extensions import db
from scheduler_app.models import (
    DAYS,
    Activity,
    ActivityChild,
    ActivityStaff,
    Availability,
    ChannelKind,
    Child,
    ChildClass,
    ConsentCategory,
    GroupMember,
    GroupSession,
    GuardianConsent,
    Handbook,
    LeftBehindType,
    MessageChannel,
    Organisation,
    ParentingGroup,
    Role,
    Site,
    SiteSession,
    StaffWay,
    TeacherVisit,
    User,
    Village,
    VisitWindow,
    Volunteer,
)

SEED = 20261123
DEMO_PASSWORD = "peiban-demo"  # noqa: S105 - documented demo logins, loaded only into demo databases
ORGANISATION_NAME = "黄州区陪伴儿童关爱服务中心"
CAMPUS = (30.4598, 114.8985)  # a teachers' college campus in the district, where student tutors start

# township: (centre lat, lon, villages)
TOWNSHIPS = {
    "陶店乡": (30.4420, 114.9260, ["幸福村", "汪家湾村", "三台村", "郭家村"]),
    "堵城镇": (30.5480, 114.8470, ["新建村", "太平村", "黄湖村", "王家店村"]),
    "路口镇": (30.5120, 114.9710, ["杨鹰岭村", "桃园村", "长圻廖村"]),
    "陈策楼镇": (30.6010, 114.9380, ["团林村", "胡家垸村", "陈策楼村"]),
    "禹王街道": (30.4760, 114.8790, ["窑湾村", "龙王山村"]),
}
SITES = [  # code, name, township, children per tutor, minimum tutors, extra Saturday session
    ("S01", "陶店乡中心小学 4:30课堂", "陶店乡", 6, 1, False),
    ("S02", "堵城镇中心小学 4:30课堂", "堵城镇", 6, 1, False),
    ("S03", "路口镇小学 4:30课堂", "路口镇", 5, 1, False),
    ("S04", "陈策楼镇儿童之家", "陈策楼镇", 5, 1, True),
    ("S05", "禹王街道儿童之家", "禹王街道", 6, 1, True),
]
SURNAMES = (
    "王李张刘陈杨黄赵周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎"
    "余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段漕钱汤尹黎易常武乔贺赖龚文"
)
CHILD_GIVEN = ["欣怡", "子轩", "雨桐", "浩然", "梓涵", "宇轩", "诗涵", "俊杰", "一诺", "思远", "佳怡", "子涵", "梓轩",
               "雨泽", "可馨", "明轩", "嘉怡", "博文", "语桐", "天佑", "若曦", "皓轩", "欣妍", "子墨", "芷若", "文博"]
ADULT_GIVEN_F = ["桂英", "秀兰", "春梅", "凤英", "玉兰", "小红", "丽华", "建华", "秋菊", "金凤", "淑珍", "海燕"]
STUDENT_GIVEN = ["静", "帆", "婷", "悦", "晨", "琳", "浩", "磊", "倩", "雪", "鹏", "敏", "洁", "瑶", "杰", "宁"]
SUBJECTS = ("chinese", "math", "english")
GUARDIANS = [("祖母", 0.45), ("祖父", 0.25), ("外祖母", 0.2), ("外祖父", 0.1)]
WORK_PLACES = ["广东东莞", "广东深圳", "浙江温州", "上海", "江苏苏州", "武汉", "福建厦门", "北京"]
LEFT_BEHIND = [(LeftBehindType.BOTH, 0.6), (LeftBehindType.FATHER, 0.25), (LeftBehindType.MOTHER, 0.1),
               (LeftBehindType.SINGLE_PARENT, 0.05)]
N_CHILDREN = 120
N_STUDENT_TUTORS = 18
N_TEACHER_TUTORS = 7
N_MOTHERS = 20


CONSENT_HOME_ONLY_EVERY = 15  # one guardian in fifteen consents to home visits only
CONSENT_AGE_DAYS = 60  # consents were signed at registration, two to three months before the demo week


def _weighted(rng: random.Random, options: list[tuple]) -> object:
    return rng.choices([o for o, _ in options], weights=[w for _, w in options])[0]


def _near(rng: random.Random, lat: float, lon: float, km: float) -> tuple[float, float]:
    """A point up to km away from (lat, lon), uniformly in a disc."""
    r = km * math.sqrt(rng.random())
    theta = rng.random() * 2 * math.pi
    dlat = r * math.cos(theta) / 111.0
    dlon = r * math.sin(theta) / (111.0 * math.cos(math.radians(lat)))
    return round(lat + dlat, 5), round(lon + dlon, 5)


def _time(hhmm: str) -> dt.time:
    return dt.time.fromisoformat(hhmm)


def _name(rng: random.Random, given: list[str]) -> str:
    return rng.choice(SURNAMES) + rng.choice(given)


def load_demo(today: dt.date | None = None) -> Organisation:
    """Insert the demo organisation and everything in it in one transaction; return the organisation."""
    rng = random.Random(SEED)  # noqa: S311 - reproducible demo data, not security
    today = today or dt.date(2026, 11, 23)
    org = Organisation(name=ORGANISATION_NAME, road_factor=1.35, speed_kmh=20.0, visit_minutes=60,
                       session_start=_time("16:30"), session_end=_time("18:00"))
    db.session.add(org)
    db.session.flush()

    villages: dict[str, list[Village]] = {}
    for township, (lat, lon, names) in TOWNSHIPS.items():
        villages[township] = []
        for name in names:
            vlat, vlon = _near(rng, lat, lon, 4.0)
            village = Village(organisation_id=org.id, name=name, township=township, lat=vlat, lon=vlon)
            db.session.add(village)
            villages[township].append(village)

    sites = []
    for code, name, township, ratio, min_tutors, saturday in SITES:
        lat, lon, _ = TOWNSHIPS[township]
        site = Site(organisation_id=org.id, code=code, name=name, lat=lat, lon=lon, children_per_tutor=ratio,
                    min_tutors=min_tutors, village=villages[township][0])
        site.sessions = [SiteSession(day_index=d, start=_time("16:30"), end=_time("18:00")) for d in range(5)]
        if saturday:
            site.sessions.append(SiteSession(day_index=5, start=_time("09:00"), end=_time("10:30")))
        db.session.add(site)
        sites.append((site, township))

    tutors = _tutors(rng, org, villages)
    mothers = _mothers(rng, org, villages)
    db.session.flush()
    children = _children(rng, org, villages, sites, today)
    _assign_primary_visitors(children, mothers)
    db.session.flush()
    _consents(children, today)
    worker = _social_worker(org, villages, children)
    _accounts(org, tutors[0], mothers[0], worker)
    _activities(org, children, tutors, mothers, sites[0][0], today)
    _class_teachers(children, today)
    _parenting_group(org, children, today)
    # A channel to look at, turned off: the demo sends nothing until an admin gives it a real robot's URL.
    db.session.add(MessageChannel(organisation_id=org.id, kind=ChannelKind.APPRISE, label="志愿者企业微信群（演示）",
                                  secret_env="PEIBAN_CHANNEL_DEMO_WECOM",  # noqa: S106 - a variable name
                                  active=False))
    db.session.commit()
    return org


def _tutors(rng: random.Random, org: Organisation, villages: dict[str, list[Village]]) -> list[Volunteer]:
    tutors = []
    for i in range(N_STUDENT_TUTORS):
        subjects = rng.sample(SUBJECTS, rng.choice([1, 2, 2, 3]))
        v = Volunteer(organisation_id=org.id, code=f"T{i + 1:02d}", name=_name(rng, STUDENT_GIVEN),
                      gender=rng.choice(["F", "F", "M"]), is_tutor=True, affiliation="黄冈师范学院",
                      home_lat=CAMPUS[0], home_lon=CAMPUS[1], subjects=subjects, max_km=25.0,
                      max_sessions_per_week=rng.choice([1, 2, 2, 3]), phone=f"139{rng.randrange(10**8):08d}")
        for d in sorted(rng.sample(range(5), rng.choice([2, 3, 3]))):
            v.availability.append(Availability(day_index=d, start=_time("15:30"), end=_time("19:00")))
        db.session.add(v)
        tutors.append(v)
    townships = list(TOWNSHIPS)
    for i in range(N_TEACHER_TUTORS):
        township = townships[i % len(townships)]
        lat, lon, _ = TOWNSHIPS[township]
        hlat, hlon = _near(rng, lat, lon, 2.0)
        v = Volunteer(organisation_id=org.id, code=f"T{N_STUDENT_TUTORS + i + 1:02d}",
                      name=_name(rng, STUDENT_GIVEN + ADULT_GIVEN_F), gender=rng.choice(["F", "M"]), is_tutor=True,
                      affiliation=f"{township}中心小学", home_lat=hlat, home_lon=hlon,
                      subjects=rng.sample(SUBJECTS, 2), max_km=10.0, max_sessions_per_week=rng.choice([2, 3]),
                      phone=f"137{rng.randrange(10**8):08d}")
        for d in sorted(rng.sample(range(5), rng.choice([2, 3, 4]))):
            v.availability.append(Availability(day_index=d, start=_time("16:00"), end=_time("18:30")))
        db.session.add(v)
        tutors.append(v)
    return tutors


def _mothers(rng: random.Random, org: Organisation, villages: dict[str, list[Village]]) -> list[Volunteer]:
    all_villages = [v for vs in villages.values() for v in vs]
    mothers = []
    for i in range(N_MOTHERS):
        village = all_villages[i % len(all_villages)]
        trained = rng.random() < 0.4
        v = Volunteer(organisation_id=org.id, code=f"M{i + 1:02d}", name=_name(rng, ADULT_GIVEN_F), gender="F",
                      is_visitor=True, affiliation=f"{village.township}{village.name}", village=village,
                      trained=trained, trained_since=dt.date(2025, rng.randint(3, 10), 1) if trained else None,
                      max_km=rng.choice([5.0, 6.0, 8.0]), max_visits_per_week=rng.choice([3, 4, 5, 6]),
                      max_visits_per_day=rng.choice([2, 2, 3]), phone=f"135{rng.randrange(10**8):08d}")
        for d in sorted(rng.sample(range(5), 2)):
            v.availability.append(Availability(day_index=d, start=_time("18:00"), end=_time("21:00")))
        for d in (5, 6):
            if rng.random() < 0.7:
                v.availability.append(Availability(day_index=d, start=_time("08:30"), end=_time("12:00")))
            if rng.random() < 0.4:
                v.availability.append(Availability(day_index=d, start=_time("14:00"), end=_time("17:30")))
        db.session.add(v)
        mothers.append(v)
    return mothers


def _children(rng: random.Random, org: Organisation, villages: dict[str, list[Village]],
              sites: list[tuple[Site, str]], today: dt.date) -> list[Child]:
    children = []
    school_year = today.year if today.month >= 9 else today.year - 1
    for i in range(N_CHILDREN):
        site, township = sites[i % len(sites)]
        village = rng.choice(villages[township])
        home = _near(rng, village.lat, village.lon, 0.8)
        grade = rng.randint(1, 8)
        # Grade 1 starts the September a child is six: born September..December, seven years before.
        birth = dt.date(school_year - 6 - grade, rng.randint(9, 12), rng.randint(1, 28))
        risk = _weighted(rng, [(1, 0.3), (2, 0.3), (3, 0.2), (4, 0.13), (5, 0.07)])
        attends_site = rng.random() < 0.85
        session_days = [s.day_index for s in site.sessions]
        attends = sorted(rng.sample(session_days, rng.randint(2, min(4, len(session_days))))) if attends_site else []
        visits = {1: rng.choice([0, 1]), 2: 1, 3: 1, 4: 2, 5: 2}[risk]
        child = Child(
            organisation_id=org.id, code=f"C{i + 1:03d}", name=_name(rng, CHILD_GIVEN),
            gender=rng.choice(["F", "M"]), birth_date=birth, grade=grade,
            school=f"{township}{'中心小学' if grade <= 6 else '中学'}", village=village,
            home_lat=home[0], home_lon=home[1], guardian_relationship=_weighted(rng, GUARDIANS),
            guardian_name=_name(rng, ADULT_GIVEN_F), guardian_phone=f"15{rng.randrange(10**9):09d}",
            left_behind_type=_weighted(rng, LEFT_BEHIND), parents_work_place=rng.choice(WORK_PLACES),
            site=site if attends_site else None,
            attends=[DAYS[d] for d in attends],
            subjects=sorted(rng.sample(SUBJECTS, rng.choice([0, 1, 1, 2]))) if attends_site else [],
            visits_per_week=visits, risk_level=risk, needs_trained=risk >= 4)
        if visits:
            child.visit_windows.append(VisitWindow(day_index=rng.randrange(5), start=_time("18:30"),
                                                   end=_time("20:30")))
            child.visit_windows.append(VisitWindow(day_index=rng.choice([5, 6]), start=_time("09:00"),
                                                   end=_time("11:30")))
            if rng.random() < 0.5:
                child.visit_windows.append(VisitWindow(day_index=6, start=_time("14:30"), end=_time("17:00")))
        db.session.add(child)
        children.append(child)
    return children


def _consents(children: list[Child], today: dt.date) -> None:
    """Each guardian signed the consent form at registration; a few agreed to home visits but not to notes
    about how the child is doing, so the demo shows what that hides."""
    for i, child in enumerate(children):
        categories = [ConsentCategory.HOME.value]
        if i % CONSENT_HOME_ONLY_EVERY != CONSENT_HOME_ONLY_EVERY - 1:
            categories.append(ConsentCategory.OBSERVATIONS.value)
        if i % 2 == 0:  # half the guardians also agreed to trips (the museum visit below takes only them)
            categories.append(ConsentCategory.TRIP.value)
        db.session.add(GuardianConsent(child_id=child.id, given_by=child.guardian_name,
                                       relationship_to_child=child.guardian_relationship,
                                       given_on=today - dt.timedelta(days=CONSENT_AGE_DAYS + i % 30),
                                       method="paper", categories=categories))


def _activities(org: Organisation, children: list[Child], tutors: list[Volunteer], mothers: list[Volunteer],
                site: Site, today: dt.date) -> None:
    """Three activities: a museum trip next week still short of staff (children with a trip consent only), a
    recitation contest at a site, and last month's calligraphy contest with what came of it."""
    trip = Activity(organisation_id=org.id, title="县博物馆研学", place="县博物馆",
                    held_on=today + dt.timedelta(days=12), start=_time("09:00"), end=_time("15:00"),
                    staff_needed=4, trip=True,
                    description="参观青铜器和书画展厅，午饭在博物馆食堂。")
    trip.staff = [ActivityStaff(volunteer=mothers[0], way=StaffWay.ASSIGNED),
                  ActivityStaff(volunteer=tutors[1], way=StaffWay.SIGNED_UP)]
    trip.participants = [ActivityChild(child=c) for c in children[0:12:2]]  # even ones: trip consent
    contest = Activity(organisation_id=org.id, title="唐诗宋词朗诵比赛", place=site.name,
                       held_on=today + dt.timedelta(days=5), start=_time("14:00"), end=_time("16:00"),
                       staff_needed=2, description="每位参赛儿童朗诵一首唐诗或宋词。")
    contest.staff = [ActivityStaff(volunteer=tutors[0], way=StaffWay.SIGNED_UP)]
    contest.participants = [ActivityChild(child=c) for c in children[1:8]]
    past = Activity(organisation_id=org.id, title="书法比赛", place=site.name, held_on=today - dt.timedelta(days=30),
                    start=_time("14:00"), end=_time("16:30"), staff_needed=2,
                    outcome="18 名儿童参赛，3 名获奖；作品在站点展出。")
    past.staff = [ActivityStaff(volunteer=tutors[0], way=StaffWay.ASSIGNED),
                  ActivityStaff(volunteer=tutors[2], way=StaffWay.ASSIGNED)]
    past.participants = [ActivityChild(child=c) for c in children[2:20]]
    db.session.add_all([trip, contest, past])


def _assign_primary_visitors(children: list[Child], mothers: list[Volunteer]) -> None:
    """Give most visited children the nearest suitable volunteer mother as their regular visitor."""
    for n, child in enumerate(c for c in children if c.visits_per_week):
        if n % 5 == 4:
            continue  # some children have no regular visitor yet: the warnings need them
        suitable = [m for m in mothers if m.trained or not child.needs_trained]
        best = min(suitable, key=lambda m: (m.village.lat - child.home_lat) ** 2
                   + (m.village.lon - child.home_lon) ** 2)
        child.primary_volunteer = best


def _social_worker(org: Organisation, villages: dict[str, list[Village]], children: list[Child]) -> Volunteer:
    """The organisation's social worker, free when families are at home (weekday evenings, the weekend), holding
    the case of a few children (every eighth child whose family can be visited) under one-on-one support."""
    village = next(iter(villages.values()))[0]
    worker = Volunteer(organisation_id=org.id, code="SW01", name="周敏", gender="F", is_visitor=True,
                       is_social_worker=True, trained=True, affiliation="社工站", village=village, max_km=30.0,
                       max_visits_per_week=20, max_visits_per_day=5, phone="13600000001")
    worker.availability = [Availability(day_index=d, start=_time("18:00"), end=_time("21:00")) for d in range(5)]
    worker.availability += [Availability(day_index=d, start=_time("08:30"), end=_time("17:30")) for d in (5, 6)]
    db.session.add(worker)
    for child in [c for c in children if c.visit_windows][::8][:5]:
        child.social_worker = worker
    return worker


def _class_teachers(children: list[Child], today: dt.date) -> None:
    """The class and class teacher of the first children; their teachers visited most of them last semester."""
    for i, child in enumerate(children[:30]):
        teacher = f"{SURNAMES[i % len(SURNAMES)]}老师"
        db.session.add(ChildClass(child=child, class_name=f"{child.grade or 1}年级{i % 3 + 1}班",
                                  teacher_name=teacher, teacher_phone=f"1370000{i:04d}"))
        if i % 4 != 3:
            db.session.add(TeacherVisit(child=child, visited_on=today - dt.timedelta(days=120 + i),
                                        teacher_name=teacher, notes="了解了孩子在家的学习情况。"))


def _parenting_group(org: Organisation, children: list[Child], today: dt.date) -> None:
    """A grandparents' group with two sessions and the two handbooks of the library."""
    books = [Handbook(organisation_id=org.id, title="隔代教养手册", description="祖辈如何陪伴孩子的学习和情绪。"),
             Handbook(organisation_id=org.id, title="儿童安全手册", description="防溺水、交通和用电安全。")]
    members = [c for c in children if c.guardian_name][:8]
    group = ParentingGroup(organisation_id=org.id, name="陶店村祖辈家长课堂", notes="每月第二个周六上午。",
                           members=[GroupMember(child=c) for c in members])
    db.session.add_all([*books, group])
    db.session.flush()
    group.sessions = [
        GroupSession(held_on=today - dt.timedelta(days=40), place="陶店村村委会", facilitator="周敏",
                     attended=[c.id for c in members[:6]], handbooks=[books[0].id], notes="讲了如何陪孩子写作业。"),
        GroupSession(held_on=today - dt.timedelta(days=12), place="陶店村村委会", facilitator="周敏",
                     attended=[c.id for c in members[1:8]], handbooks=[books[1].id], notes="冬季用电和防火。")]


def _accounts(org: Organisation, tutor: Volunteer, mother: Volunteer, worker: Volunteer) -> None:
    """One demo login per role; all share the documented demo password."""
    demo = [("admin", "管理员", Role.ADMIN, None), ("manager", "项目主管", Role.MANAGER, None),
            ("coordinator", "协调员", Role.COORDINATOR, None), ("tutor", tutor.name, Role.VOLUNTEER, tutor),
            ("mother", mother.name, Role.VOLUNTEER, mother), ("social", worker.name, Role.SOCIAL_WORKER, worker)]
    password_hash = hash_password(DEMO_PASSWORD)
    for username, display, role, volunteer in demo:
        db.session.add(User(organisation_id=org.id, username=username, display_name=display, role=role,
                            volunteer=volunteer, password_hash=password_hash, session_token=new_session_token()))
