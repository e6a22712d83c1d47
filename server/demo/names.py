"""Word lists for the demo data: streets' places and roads, people's names, names of businesses."""

from dataclasses import dataclass


@dataclass(frozen=True)
class StreetPlace:
    """Where a street lies, roughly (WGS-84), what its demo names start with, and roads in it."""

    stem: str
    latitude: float
    longitude: float
    roads: tuple[str, ...]


# Keyed by the codes of server/data/areas.csv; the centres are approximate, good enough for a demo map.
STREETS = {
    "420103001": StreetPlace("民族", 30.5785, 114.2885, ("民族路", "江汉路", "中山大道")),
    "420103002": StreetPlace("花楼", 30.5820, 114.2920, ("花楼街", "前进五路", "沿江大道")),
    "420103003": StreetPlace("水塔", 30.5830, 114.2840, ("大兴路", "民生路", "中山大道")),
    "420103004": StreetPlace("民权", 30.5790, 114.2800, ("民权路", "统一街", "中山大道")),
    "420103005": StreetPlace("满春", 30.5770, 114.2740, ("满春路", "利济北路", "友谊南路")),
    "420103006": StreetPlace("民意", 30.5880, 114.2680, ("民意一路", "新华路", "解放大道")),
    "420103007": StreetPlace("新华", 30.5940, 114.2620, ("新华路", "建设大道", "青年路")),
    "420103008": StreetPlace("万松", 30.5960, 114.2550, ("万松园路", "青年路", "解放大道")),
    "420103009": StreetPlace("唐家墩", 30.6100, 114.2500, ("唐家墩路", "建设大道", "青年路")),
    "420103010": StreetPlace("北湖", 30.6040, 114.2700, ("北湖正街", "西北湖路", "建设大道")),
    "420103011": StreetPlace("前进", 30.5850, 114.2760, ("前进一路", "前进四路", "中山大道")),
    "420103012": StreetPlace("常青", 30.6180, 114.2430, ("常青路", "常青一路", "发展大道")),
    "420103013": StreetPlace("汉兴", 30.6140, 114.2620, ("发展大道", "姑嫂树路", "杨汊湖路")),
    "420103400": StreetPlace("经开", 30.6200, 114.2530, ("江兴路", "江达路", "后湖大道")),
}

# The district's extent: every demo site is kept inside it.
LATITUDE_RANGE = (30.575, 30.625)
LONGITUDE_RANGE = (114.235, 114.295)

COMMUNITY_WORDS = (
    "和平",
    "友谊",
    "前锋",
    "育才",
    "滨江",
    "幸福",
    "红旗",
    "胜利",
    "团结",
    "光明",
    "朝阳",
    "春晖",
    "新星",
    "同兴",
    "振兴",
)

# For markets, malls, schools …: each business in a street takes a different word.
PLACE_WORDS = (
    "东升",
    "兴华",
    "福安",
    "长青",
    "和畅",
    "金桥",
    "振华",
    "同心",
    "锦绣",
    "鸿发",
    "汇通",
    "新民",
    "永安",
    "荣华",
    "建兴",
    "惠民",
    "宏图",
    "嘉和",
    "瑞丰",
    "安康",
)

FUEL_BRANDS = ("江城能源", "楚天石化", "汉江石油", "荆楚能源", "晴川石化", "黄鹤能源")

COMPOUND_SUFFIXES = ("小区", "花园", "新村", "公寓", "里")

SURNAMES = (
    "王",
    "李",
    "张",
    "刘",
    "陈",
    "杨",
    "黄",
    "赵",
    "吴",
    "周",
    "徐",
    "孙",
    "马",
    "朱",
    "胡",
    "郭",
    "何",
    "高",
    "林",
    "罗",
    "郑",
    "梁",
    "谢",
    "宋",
    "唐",
    "许",
    "韩",
    "冯",
    "邓",
    "曹",
    "彭",
    "曾",
    "肖",
    "田",
    "董",
    "袁",
    "潘",
    "蒋",
    "蔡",
    "余",
    "杜",
    "叶",
    "程",
    "魏",
    "丁",
    "沈",
    "姚",
    "卢",
    "钟",
    "谭",
    "汪",
    "范",
    "石",
    "廖",
    "夏",
    "方",
    "邹",
    "熊",
    "万",
    "涂",
    "喻",
    "雷",
    "龚",
    "严",
    "向",
    "汤",
)

GIVEN_NAME_CHARACTERS = (
    "伟",
    "芳",
    "娜",
    "敏",
    "静",
    "丽",
    "强",
    "磊",
    "军",
    "洋",
    "勇",
    "艳",
    "杰",
    "娟",
    "涛",
    "明",
    "超",
    "秀",
    "霞",
    "平",
    "刚",
    "英",
    "华",
    "玉",
    "兰",
    "萍",
    "红",
    "建",
    "文",
    "辉",
    "斌",
    "鹏",
    "宇",
    "浩",
    "凯",
    "俊",
    "帆",
    "琳",
    "晶",
    "欣",
    "雪",
    "慧",
    "婷",
    "颖",
    "晨",
    "阳",
    "峰",
    "亮",
    "云",
    "莉",
    "丹",
    "志",
    "海",
    "春",
    "燕",
    "梅",
    "博",
    "思",
    "雨",
    "佳",
    "子",
    "轩",
    "涵",
    "倩",
    "璐",
)


def person_name(rng) -> str:
    """A plausible Chinese name: a surname and one or two given-name characters."""
    given = "".join(rng.choice(GIVEN_NAME_CHARACTERS) for _ in range(rng.choice((1, 2, 2))))
    return rng.choice(SURNAMES) + given
