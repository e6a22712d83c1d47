"""The map's tiles: which provider the deployment configured, and what the field app needs to draw them.

天地图 (the government map, CGCS2000: within centimetres of WGS-84, so our points go on it as stored) needs a key,
TIANDITU_KEY, from the environment. 高德 (MAP_TILES=gaode) draws in GCJ-02: the app shifts the points onto it
(pwa/src/lib/gcj02.js) and nothing else. Without either, points go over a plain background.
"""

TIANDITU = "https://t{s}.tianditu.gov.cn/{layer}_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0&LAYER={layer}"
TIANDITU_TAIL = "&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}&tk="

PROVIDERS = {
    "tianditu": {
        "crs": "wgs84",
        "origin": "https://*.tianditu.gov.cn",
        "subdomains": "01234567",
        "attribution": "天地图",
        "max_zoom": 18,
    },
    "gaode": {
        "crs": "gcj02",
        "origin": "https://*.is.autonavi.com",
        "subdomains": "1234",
        "attribution": "高德地图",
        "max_zoom": 18,
        "url": "https://webrd0{s}.is.autonavi.com/appmaptile?lang=zh_cn&size=1&scale=1&style=8&x={x}&y={y}&z={z}",
    },
}


def configured(config) -> dict:
    """The tiles the app draws: provider, URL templates (Leaflet's {s}, {x}, {y}, {z}), their datum, attribution."""
    name = config.get("MAP_TILES") or "none"
    if name == "tianditu" and config.get("TIANDITU_KEY"):
        provider = PROVIDERS["tianditu"]
        key = config["TIANDITU_KEY"]
        layers = [TIANDITU.format(s="{s}", layer=layer) + TIANDITU_TAIL + key for layer in ("vec", "cva")]
    elif name == "gaode":
        provider = PROVIDERS["gaode"]
        layers = [provider["url"]]
    else:
        return {"provider": "none", "layers": [], "crs": "wgs84", "subdomains": "", "attribution": "", "max_zoom": 18}
    return {
        "provider": name,
        "layers": layers,
        "crs": provider["crs"],
        "subdomains": provider["subdomains"],
        "attribution": provider["attribution"],
        "max_zoom": provider["max_zoom"],
    }


def image_origins(config) -> tuple[str, ...]:
    """The origins the field app's pages may load images (tiles) from: the configured provider's, if any."""
    tiles = configured(config)
    return (PROVIDERS[tiles["provider"]]["origin"],) if tiles["provider"] in PROVIDERS else ()
