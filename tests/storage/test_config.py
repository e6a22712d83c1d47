"""Choosing the store: STORAGE_URL names an S3 bucket (and prefix); settings no store could be used with stop
the app from starting, in production as in the embedded default, and say which setting is wrong."""

import pytest

from server.config import ConfigError, load_config
from tests.core.test_config import PRODUCTION

S3 = {
    "STORAGE_URL": "s3://safegrid-photos",
    "S3_ENDPOINT_URL": "https://s3.oss-cn-hangzhou.aliyuncs.com",
    "S3_REGION": "cn-hangzhou",
    "S3_ADDRESSING": "virtual",
}


@pytest.mark.parametrize(
    "settings,refused",
    [
        ({"STORAGE_URL": "safegrid-photos"}, "STORAGE_URL"),
        ({"STORAGE_URL": "https://safegrid-photos.s3.amazonaws.com"}, "STORAGE_URL"),
        ({"STORAGE_URL": "s3://"}, "STORAGE_URL"),
        ({"STORAGE_URL": "s3://Safegrid_Photos"}, "STORAGE_URL"),
        ({"STORAGE_URL": "s3://ab"}, "STORAGE_URL"),
        ({"STORAGE_URL": "s3://safegrid..photos"}, "STORAGE_URL"),
        ({"STORAGE_URL": "s3://AKIAEXAMPLE:secret@safegrid-photos"}, "STORAGE_URL"),  # credentials belong elsewhere
        ({"STORAGE_URL": "s3://safegrid-photos:9000"}, "STORAGE_URL"),
        ({"STORAGE_URL": "s3://safegrid-photos/../media"}, "STORAGE_URL"),
        ({"STORAGE_URL": "s3://safegrid-photos/.hidden"}, "STORAGE_URL"),
        ({"STORAGE_URL": "s3://safegrid-photos/Media"}, "STORAGE_URL"),
        ({"STORAGE_URL": "s3://safegrid-photos?versioning=on"}, "STORAGE_URL"),
        ({"S3_ENDPOINT_URL": "minio:9000"}, "S3_ENDPOINT_URL"),
        ({"S3_ENDPOINT_URL": "ftp://minio:9000"}, "S3_ENDPOINT_URL"),
        ({"S3_ENDPOINT_URL": "https://minio:nine"}, "S3_ENDPOINT_URL"),
        ({"S3_ENDPOINT_URL": "https://key:secret@minio:9000"}, "S3_ENDPOINT_URL"),
        ({"S3_ENDPOINT_URL": "https://minio:9000/?x=1"}, "S3_ENDPOINT_URL"),
        ({"S3_ADDRESSING": "sideways"}, "S3_ADDRESSING"),
    ],
)
@pytest.mark.parametrize("app_env", ["production", "embedded"])
def test_a_store_that_cannot_be_used_stops_the_app_from_starting(tmp_path, settings, refused, app_env):
    env = {**(PRODUCTION if app_env == "production" else {}), **S3, **settings}
    with pytest.raises(ConfigError, match=refused):
        load_config(tmp_path, env=env)


@pytest.mark.parametrize("url", ["s3://safegrid-photos", "s3://safegrid-photos/", "s3://safegrid.photos.wh/prod/media"])
def test_production_takes_a_bucket_with_or_without_a_prefix(tmp_path, url):
    config = load_config(tmp_path, env={**PRODUCTION, **S3, "STORAGE_URL": url})
    assert config["STORAGE_URL"] == url and config["S3_ADDRESSING"] == "virtual"
    assert config["S3_ENDPOINT_URL"] == S3["S3_ENDPOINT_URL"] and config["S3_REGION"] == "cn-hangzhou"


def test_without_storage_url_blobs_stay_under_media_root_and_the_s3_settings_are_not_read(tmp_path):
    config = load_config(tmp_path, env={"S3_ENDPOINT_URL": "minio:9000", "S3_ADDRESSING": "sideways"})
    assert config["STORAGE_URL"] is None and config["MEDIA_ROOT"] == str(tmp_path / "media")
