"""Photo posts, carousels, pulled media and product variants, each channel against its fake.

Facebook Page photos (single and multi-photo), Instagram image and carousel containers, TikTok
PULL_FROM_URL videos and photo posts, Lazada products with variants. Every test checks the exact
request the platform would receive and what happens when part of a multi-step post fails.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from dataclasses import replace

import httpx
import pytest

from studio.publish.channels.base import ChannelError, MediaFile, PostPayload
from studio.publish.channels.facebook import FacebookChannel
from studio.publish.channels.instagram import InstagramChannel
from studio.publish.channels.lazada import LazadaChannel, product_xml
from studio.publish.channels.tiktok import TikTokChannel
from tests.fakes.facebook import FacebookFake
from tests.fakes.http import video_file
from tests.fakes.instagram import InstagramFake
from tests.fakes.lazada import LazadaFake
from tests.fakes.tiktok import TikTokFake

PAGE = "1755847768034402"
IG_USER = "17841400008460056"
CDN = "https://media.htxtra.vn/p/"


def photo(tmp_path, name="che.jpg", *, size=20_000, mime="image/jpeg", public_url="",
          width=1080, height=1080) -> MediaFile:
    """A photo file whose first bytes match ``mime`` (fakes check the bytes, not the name)."""
    magic = {"image/jpeg": b"\xff\xd8\xff\xe0", "image/png": b"\x89PNG\r\n\x1a\n",
             "image/webp": b"RIFF\x00\x00\x00\x00WEBP"}[mime]
    path = tmp_path / name
    path.write_bytes(magic + bytes(i % 251 for i in range(size - len(magic))))
    return MediaFile(path=path, mime=mime, size=size, width=width, height=height,
                     public_url=public_url)


def payload(**kw) -> PostPayload:
    fields = {"post_id": 11, "target_id": 3, "lang": "vi",
              "text": "Chè Shan tuyết vụ xuân, hái tay trên núi Tây Côn Lĩnh.",
              "hashtags": ("ocop",), "idempotency_key": "p11t3", **kw}
    return PostPayload(**fields)


# -- Facebook Page photos ---------------------------------------------------------------------


@pytest.fixture
def fb():
    with FacebookFake(page_id=PAGE) as f:
        yield f


def facebook(fake, *, timeout=5.0, **options) -> FacebookChannel:
    return FacebookChannel({"page_id": PAGE, **options}, {"access_token": "page-token"},
                           api_base=fake.base_url, http=httpx.Client(timeout=timeout))


CAPTION = "Chè Shan tuyết vụ xuân, hái tay trên núi Tây Côn Lĩnh.\n\n#ocop"


def test_facebook_single_photo_by_url_sends_caption_and_url(fb, tmp_path):
    pic = photo(tmp_path, public_url=CDN + "che.jpg")
    result = facebook(fb).publish(payload(media=(pic,), link="https://htxtra.vn"))
    call = fb.calls(f"/v21.0/{PAGE}/photos", "POST")[0]
    assert call.form() == {"caption": CAPTION + "\n\nhttps://htxtra.vn",
                           "url": CDN + "che.jpg", "access_token": "page-token"}
    assert result.external_id in fb.posts and result.state == "published"
    assert fb.posts[result.external_id]["photos"] == [result.external_id.split("_")[1]]
    assert not fb.calls("/feed")


def test_facebook_single_photo_without_public_url_goes_as_multipart_source(fb, tmp_path):
    pic = photo(tmp_path, mime="image/png", name="nhan.png")
    result = facebook(fb).publish(payload(media=(pic,)))
    parts = fb.calls("/photos", "POST")[0].multipart()
    assert parts["source"] == ("nhan.png", pic.path.read_bytes())
    assert parts["caption"] == (None, CAPTION.encode())
    assert fb.photos[result.external_id.split("_")[1]]["data"] == pic.path.read_bytes()


def test_facebook_several_photos_upload_unpublished_then_one_feed_post(fb, tmp_path):
    pics = tuple(photo(tmp_path, f"p{i}.jpg", public_url=f"{CDN}p{i}.jpg") for i in range(3))
    result = facebook(fb).publish(payload(media=pics))
    uploads = fb.calls("/photos", "POST")
    assert [u.form()["published"] for u in uploads] == ["false"] * 3
    assert [u.form()["url"] for u in uploads] == [f"{CDN}p{i}.jpg" for i in range(3)]
    assert all("caption" not in u.form() for u in uploads)
    feed = fb.calls("/feed", "POST")[0].form()
    ids = list(fb.photos)
    assert feed == {"message": CAPTION, "access_token": "page-token",
                    **{f"attached_media[{i}]": json.dumps({"media_fbid": fbid})
                       for i, fbid in enumerate(ids)}}
    assert fb.posts[result.external_id]["photos"] == ids
    assert facebook(fb).status(result.external_id).state == "published"


def test_facebook_fake_refuses_a_published_or_reused_photo_as_attachment(fb, tmp_path):
    channel = facebook(fb)
    channel.publish(payload(media=(photo(tmp_path, public_url=CDN + "a.jpg"),)))
    published = next(iter(fb.photos))
    with pytest.raises(ChannelError) as err:
        channel.request("POST", f"/v21.0/{PAGE}/feed", data={
            "message": "x", "access_token": "page-token",
            "attached_media[0]": json.dumps({"media_fbid": published})})
    assert err.value.kind == "permanent" and "unpublished photo" in str(err.value)
    with pytest.raises(ChannelError) as err:
        channel.request("POST", f"/v21.0/{PAGE}/feed", data={
            "message": "y", "access_token": "page-token",
            "attached_media[1]": json.dumps({"media_fbid": published})})
    assert "without gaps" in str(err.value)


def test_facebook_failed_upload_midway_discards_the_uploaded_photos(fb, tmp_path):
    pics = tuple(photo(tmp_path, f"p{i}.jpg", public_url=f"{CDN}p{i}.jpg") for i in range(3))
    fb.fail("/photos", {}, {"status": 500, "body": "upstream"})  # 1st goes through, 2nd fails
    with pytest.raises(ChannelError) as err:
        facebook(fb).publish(payload(media=pics))
    assert err.value.kind == "retryable"
    assert not fb.posts and not fb.photos  # the first photo was deleted again
    assert len(fb.calls("/v21.0/", "DELETE")) == 1
    result = facebook(fb).publish(payload(media=pics))  # the retry posts once, whole
    assert list(fb.posts) == [result.external_id] and len(fb.photos) == 3


def test_facebook_feed_refused_after_uploads_leaves_no_post_and_no_photos(fb, tmp_path):
    pics = tuple(photo(tmp_path, f"p{i}.jpg") for i in range(2))
    fb.fail("/feed", {"status": 400, "body": {"error": {
        "message": "(#368) The action attempted has been deemed abusive", "code": 368,
        "type": "OAuthException", "fbtrace_id": "t"}}})
    with pytest.raises(ChannelError) as err:
        facebook(fb).publish(payload(media=pics))
    assert err.value.kind == "permanent" and not fb.posts and not fb.photos


def test_facebook_feed_timeout_keeps_photos_and_lookup_prevents_a_second_post(fb, tmp_path):
    pics = tuple(photo(tmp_path, f"p{i}.jpg") for i in range(2))
    fb.fail("/feed", {"delay": 1.0})
    with pytest.raises(ChannelError) as err:
        facebook(fb, timeout=0.4).publish(payload(media=pics))
    assert err.value.kind == "unknown"
    assert len(fb.posts) == 1 and not fb.calls("/v21.0/", "DELETE")  # it went through
    found = facebook(fb).lookup(payload(media=pics))
    assert found is not None and found.external_id in fb.posts
    with pytest.raises(ChannelError) as err:  # a blind retry would be refused as a duplicate
        facebook(fb).publish(payload(media=pics))
    assert "506" in err.value.platform_code and len(fb.posts) == 1


@pytest.mark.parametrize("make_media, message", [
    (lambda t: tuple(photo(t, f"p{i}.jpg") for i in range(11)), "at most 10 photos"),
    (lambda t: (photo(t, "a.webp", mime="image/webp"),), "not image/webp: export it as JPEG"),
    (lambda t: (photo(t, size=10 * 1024 * 1024),), "must be under 10 MB"),
])
def test_facebook_photo_limits_are_checked_before_sending(fb, tmp_path, make_media, message):
    bad = payload(media=make_media(tmp_path))
    channel = facebook(fb)
    assert any(message in p for p in channel.validate(bad)), channel.validate(bad)
    with pytest.raises(ChannelError) as err:
        channel.publish(bad)
    assert err.value.kind == "permanent" and not fb.requests


def test_facebook_max_photos_option_and_fake_checks_the_bytes(fb, tmp_path):
    pics = tuple(photo(tmp_path, f"p{i}.jpg") for i in range(12))
    assert facebook(fb, max_photos="12").validate(payload(media=pics)) == []
    assert any("max_photos must be a whole number" in p
               for p in facebook(fb, max_photos="many").validate_account())
    fake_jpeg = replace(photo(tmp_path, "real.webp", mime="image/webp"), mime="image/jpeg")
    with pytest.raises(ChannelError) as err:  # declared JPEG, bytes WebP: Graph says 324
        facebook(fb).publish(payload(media=(fake_jpeg,)))
    assert err.value.platform_code == "code 324" and not fb.posts


# -- Instagram photos and carousels ------------------------------------------------------------


@pytest.fixture
def ig():
    with InstagramFake(ig_user_id=IG_USER) as f:
        yield f


def instagram(fake, *, timeout=5.0, **options) -> InstagramChannel:
    return InstagramChannel({"ig_user_id": IG_USER, "poll_interval_s": 0, **options},
                            {"access_token": "ig-token"}, api_base=fake.base_url,
                            http=httpx.Client(timeout=timeout))


def hosted(fake, tmp_path, name, **kw) -> MediaFile:
    """A JPEG photo with a public URL whose bytes the fake 'downloads'."""
    m = photo(tmp_path, name, public_url=CDN + name, **kw)
    fake.hosted[m.public_url] = m.path.read_bytes()
    return m


def test_instagram_single_photo_is_image_url_container_then_publish(ig, tmp_path):
    pic = hosted(ig, tmp_path, "che.jpg")
    result = instagram(ig).publish(payload(media=(pic,)))
    create = ig.calls(f"/{IG_USER}/media", "POST")[0].form()
    assert create == {"image_url": CDN + "che.jpg", "caption": CAPTION,
                      "access_token": "ig-token"}
    assert ig.calls("/media_publish")[0].form()["creation_id"] == next(iter(ig.containers))
    assert result.external_id in ig.media and "/p/" in result.url


def test_instagram_carousel_items_then_carousel_container_then_publish(ig, tmp_path):
    items = (hosted(ig, tmp_path, "a.jpg"), video_file(tmp_path, public_url=CDN + "b.mp4"),
             hosted(ig, tmp_path, "c.jpg", width=1080, height=1350))
    result = instagram(ig).publish(payload(media=items))
    creates = [c.form() for c in ig.calls(f"/{IG_USER}/media", "POST")]
    token = {"access_token": "ig-token"}
    assert creates[:3] == [
        {"is_carousel_item": "true", "image_url": CDN + "a.jpg", **token},
        {"is_carousel_item": "true", "media_type": "VIDEO", "video_url": CDN + "b.mp4", **token},
        {"is_carousel_item": "true", "image_url": CDN + "c.jpg", **token}]
    children = list(ig.containers)[:3]
    assert creates[3] == {"media_type": "CAROUSEL", "children": ",".join(children),
                          "caption": CAPTION, **token}
    carousel = list(ig.containers)[3]
    assert all(len(ig.calls(f"/v21.0/{cid}", "GET")) >= 2 for cid in children)  # polled
    assert [c.form()["creation_id"] for c in ig.calls("/media_publish")] == [carousel]
    assert ig.media[result.external_id]["children"] == children
    assert ig.quota_usage == 1  # a carousel counts as one post


def test_instagram_carousel_item_in_error_publishes_nothing(ig, tmp_path):
    items = (hosted(ig, tmp_path, "a.jpg"), video_file(tmp_path, public_url=CDN + "bad.mp4"))
    ig.error_urls.add(CDN + "bad.mp4")
    with pytest.raises(ChannelError) as err:
        instagram(ig).publish(payload(media=items))
    assert err.value.kind == "permanent" and err.value.platform_code == "ERROR"
    assert "clip.mp4" in str(err.value) and "nothing was published" in str(err.value)
    assert not ig.media and not ig.calls("/media_publish")
    assert not any(c["kind"] == "CAROUSEL" for c in ig.containers.values())


def test_instagram_slow_carousel_items_are_retryable_and_the_retry_posts_once(ig, tmp_path):
    items = (hosted(ig, tmp_path, "a.jpg"), hosted(ig, tmp_path, "b.jpg"))
    ig.processing_polls = 5
    with pytest.raises(ChannelError) as err:
        instagram(ig, max_polls=2).publish(payload(media=items))
    assert err.value.kind == "retryable" and "still processing" in str(err.value)
    assert not ig.media
    ig.processing_polls = 1
    result = instagram(ig).publish(payload(media=items))
    assert list(ig.media) == [result.external_id]


def test_instagram_carousel_publish_timeout_then_status_never_publishes_twice(ig, tmp_path):
    items = (hosted(ig, tmp_path, "a.jpg"), hosted(ig, tmp_path, "b.jpg"))
    ig.fail("/media_publish", {"delay": 1.0})
    with pytest.raises(ChannelError) as err:
        instagram(ig, timeout=0.4).publish(payload(media=items))
    assert err.value.kind == "unknown" and len(ig.media) == 1
    found = instagram(ig).lookup(payload(media=items))
    assert found is not None and found.external_id in ig.media
    assert len(ig.calls("/media_publish")) == 1


@pytest.mark.parametrize("make_media, message", [
    (lambda f, t: tuple(hosted(f, t, f"p{i}.jpg") for i in range(11)), "holds 2–10 photos"),
    (lambda f, t: (photo(t, "a.png", mime="image/png", public_url=CDN + "a.png"),),
     "JPEG photos only"),
    (lambda f, t: (photo(t, "a.jpg"), hosted(f, t, "b.jpg")), "public https URL"),
    (lambda f, t: (hosted(f, t, "a.jpg", size=9 * 1024 * 1024),), "at most 8 MB"),
    (lambda f, t: (hosted(f, t, "a.jpg", width=1080, height=1920),), "between 4:5"),
    (lambda f, t: (hosted(f, t, "a.jpg"), video_file(t, duration_s=1.0,
                                                     public_url=CDN + "v.mp4")),
     "an Instagram video lasts 3 s"),
])
def test_instagram_refuses_before_sending_what_meta_would_refuse(ig, tmp_path, make_media,
                                                                 message):
    bad = payload(media=make_media(ig, tmp_path))
    channel = instagram(ig)
    assert any(message in p for p in channel.validate(bad)), channel.validate(bad)
    with pytest.raises(ChannelError):
        channel.publish(bad)
    assert not ig.requests


def test_instagram_fake_refuses_non_jpeg_bytes_and_lone_items(ig, tmp_path):
    disguised = replace(photo(tmp_path, "x.webp", mime="image/webp",
                              public_url=CDN + "x.jpg"), mime="image/jpeg")
    ig.hosted[disguised.public_url] = disguised.path.read_bytes()
    with pytest.raises(ChannelError) as err:
        instagram(ig).publish(payload(media=(disguised,)))
    assert err.value.platform_code == "code 9004/2207052" and not ig.containers
    channel = instagram(ig)
    item = channel._post(f"{IG_USER}/media", "item", is_carousel_item="true",
                         image_url=CDN + "a.jpg")["id"]
    with pytest.raises(ChannelError) as err:  # one item is not a carousel
        channel._post(f"{IG_USER}/media", "c", media_type="CAROUSEL", children=item)
    assert "2 to 10" in str(err.value)
    other = channel._post(f"{IG_USER}/media", "item", is_carousel_item="true",
                          image_url=CDN + "b.jpg")["id"]
    with pytest.raises(ChannelError) as err:  # children must be FINISHED (never polled here)
        channel._post(f"{IG_USER}/media", "c", media_type="CAROUSEL",
                      children=f"{item},{other}")
    assert "not FINISHED" in str(err.value)
    with pytest.raises(ChannelError) as err:
        channel._post(f"{IG_USER}/media_publish", "p", creation_id=item)
    assert "on its own" in str(err.value)
    assert instagram(ig, carousel_max="20").carousel_max() == 20


# -- TikTok: PULL_FROM_URL and photo posts ---------------------------------------------------


@pytest.fixture
def tt():
    with TikTokFake() as f:
        yield f


def tiktok(fake, **options) -> TikTokChannel:
    return TikTokChannel({"poll_interval_s": 0, **options}, {"access_token": "act-1"},
                         api_base=fake.base_url, http=httpx.Client(timeout=5.0))


def test_tiktok_pull_from_url_sends_video_url_and_no_upload(tt, tmp_path):
    clip = video_file(tmp_path, public_url=CDN + "clip.mp4")
    result = tiktok(tt, video_source="PULL_FROM_URL").publish(payload(media=(clip,)))
    init = tt.calls("/video/init/")[0].json()
    assert init["source_info"] == {"source": "PULL_FROM_URL", "video_url": CDN + "clip.mp4"}
    assert init["post_info"]["privacy_level"] == "SELF_ONLY"
    assert not tt.calls("/upload/") and result.state == "published"


def test_tiktok_unverified_domain_gets_a_message_that_says_how_to_fix_it(tt, tmp_path):
    clip = video_file(tmp_path, public_url="https://cdn.other.example/clip.mp4")
    with pytest.raises(ChannelError) as err:
        tiktok(tt, video_source="PULL_FROM_URL").publish(payload(media=(clip,)))
    assert err.value.kind == "permanent" and err.value.platform_code == "url_ownership_unverified"
    assert "verify the public media domain" in str(err.value)
    assert "video_source=FILE_UPLOAD" in str(err.value) and not tt.uploads


def test_tiktok_pull_needs_a_public_url_and_a_known_source_option(tt, tmp_path):
    channel = tiktok(tt, video_source="PULL_FROM_URL")
    assert any("public https URL" in p
               for p in channel.validate(payload(media=(video_file(tmp_path),))))
    assert any("option video_source must be one of" in p
               for p in tiktok(tt, video_source="URL").validate_account())


def test_tiktok_photo_post_exact_request(tt, tmp_path):
    pics = tuple(photo(tmp_path, f"p{i}.jpg", public_url=f"{CDN}p{i}.jpg") for i in range(3))
    result = tiktok(tt).publish(payload(media=pics, extra={"photo_cover_index": 1}))
    body = tt.calls("/content/init/")[0].json()
    assert body == {"media_type": "PHOTO", "post_mode": "DIRECT_POST",
                    "post_info": {"title": "Chè Shan tuyết vụ xuân, hái tay trên núi Tây Côn Lĩnh.",
                                  "description": "Chè Shan tuyết vụ xuân, hái tay trên núi Tây "
                                                 "Côn Lĩnh. #ocop",
                                  "privacy_level": "SELF_ONLY", "disable_comment": False,
                                  "auto_add_music": True},
                    "source_info": {"source": "PULL_FROM_URL", "photo_cover_index": 1,
                                    "photo_images": [f"{CDN}p{i}.jpg" for i in range(3)]}}
    assert result.state == "published" and result.external_id.startswith("p_pub_url~")
    assert not tt.calls("/video/init/")


def test_tiktok_photo_title_is_cut_to_90_utf16_units(tt, tmp_path):
    text = "Ẩm thực " * 20  # 160 characters on one line
    pic = photo(tmp_path, public_url=CDN + "a.jpg")
    tiktok(tt).publish(payload(text=text, media=(pic,)))
    title = tt.calls("/content/init/")[0].json()["post_info"]["title"]
    assert len(title.encode("utf-16-le")) // 2 <= 90 and text.startswith(title)


def test_tiktok_photo_bytes_that_are_not_jpeg_or_webp_fail_the_post(tt, tmp_path):
    png = photo(tmp_path, "a.png", mime="image/png", public_url=CDN + "a.png")
    disguised = replace(png, mime="image/jpeg")
    tt.hosted[png.public_url] = png.path.read_bytes()
    with pytest.raises(ChannelError) as err:
        tiktok(tt).publish(payload(media=(disguised,)))
    assert err.value.kind == "permanent"
    assert err.value.platform_code == "file_format_check_failed"


@pytest.mark.parametrize("make_media, extra, message", [
    (lambda t: tuple(photo(t, f"p{i}.jpg", public_url=f"{CDN}p{i}.jpg") for i in range(36)),
     {}, "at most 35 photos"),
    (lambda t: (photo(t, "a.png", mime="image/png", public_url=CDN + "a.png"),), {},
     "JPEG or WebP"),
    (lambda t: (photo(t, public_url=CDN + "a.jpg", width=2160, height=3840),), {},
     "at most 1080p"),
    (lambda t: (photo(t),), {}, "public https URL"),
    (lambda t: (photo(t, public_url=CDN + "a.jpg"),), {"photo_cover_index": 1},
     "photo_cover_index must be 0–0"),
    (lambda t: (photo(t, public_url=CDN + "a.jpg"), video_file(t)), {}, "not both"),
])
def test_tiktok_photo_limits_are_checked_before_sending(tt, tmp_path, make_media, extra,
                                                        message):
    bad = payload(media=make_media(tmp_path), extra=extra)
    channel = tiktok(tt)
    assert any(message in p for p in channel.validate(bad)), channel.validate(bad)
    with pytest.raises(ChannelError):
        channel.publish(bad)
    assert not tt.requests


# -- Lazada products with variants ------------------------------------------------------------


@pytest.fixture
def lz():
    with LazadaFake() as f:
        yield f


def lazada(fake) -> LazadaChannel:
    return LazadaChannel({"app_key": "123456"}, {"app_secret": "helloworld",
                                                 "access_token": "tok-1"},
                         api_base=fake.base_url + "/rest", http=httpx.Client(timeout=5.0))


def variant(sku, color, size, price=89000, stock=5, **kw) -> dict:
    return {"sku": sku, "price": price, "stock": stock,
            "options": {"color_family": color, "size": size}, **kw}


def product(tmp_path, variants, **extra) -> PostPayload:
    fields = {"category_id": 10002019, "weight_kg": 0.3, "dimension_cm": (15, 10, 5),
              "variants": variants, **extra}
    img = photo(tmp_path, public_url=CDN + "mat-ong.jpg")
    return PostPayload(post_id=2, target_id=9, lang="vi", title="Mật ong bạc hà Đồng Văn",
                       text="Mật ong bạc hà nguyên chất, OCOP 4 sao.", media=(img,),
                       idempotency_key="post2-target9", extra=fields)


VARIANTS = [variant("MO-250-DO", "Đỏ", "250ml", 89000, 10),
            variant("MO-500-DO", "Đỏ", "500ml", 159000, 4),
            variant("MO-500-VANG", "Vàng", "500ml", 159000, 0)]


def test_lazada_variants_make_a_variation_block_and_one_sku_each(lz, tmp_path):
    result = lazada(lz).publish(product(tmp_path, VARIANTS))
    xml = ET.fromstring(lz.calls("/product/create")[0].form()["payload"]).find("Product")
    blocks = list(xml.find("variation"))
    assert [b.tag for b in blocks] == ["variation1", "variation2"]
    assert [(b.findtext("name"), b.findtext("hasImage"), b.findtext("customize"),
             [o.text for o in b.findall("options/option")]) for b in blocks] == [
        ("color_family", "false", "false", ["Đỏ", "Vàng"]),
        ("size", "false", "false", ["250ml", "500ml"])]
    skus = xml.findall("Skus/Sku")
    assert [(s.findtext("SellerSku"), s.findtext("saleProp/color_family"),
             s.findtext("saleProp/size"), s.findtext("price"), s.findtext("quantity"))
            for s in skus] == [("MO-250-DO", "Đỏ", "250ml", "89000", "10"),
                               ("MO-500-DO", "Đỏ", "500ml", "159000", "4"),
                               ("MO-500-VANG", "Vàng", "500ml", "159000", "0")]
    assert all(s.findtext("package_weight") == "0.3" for s in skus)
    assert lz.products[int(result.external_id)]["skus"] == [v["sku"] for v in VARIANTS]
    lz.qc["MO-250-DO"] = "approved"
    assert lazada(lz).status(result.external_id).state == "published"


def test_lazada_variant_images_are_migrated_and_set_on_variation1(lz, tmp_path):
    with_images = [variant("MO-DO", "Đỏ", "500ml", image=CDN + "do.jpg"),
                   variant("MO-VANG", "Vàng", "500ml", image=CDN + "vang.jpg")]
    lazada(lz).publish(product(tmp_path, with_images))
    assert len(lz.calls("/image/migrate")) == 3  # the product photo + one per colour
    xml = ET.fromstring(lz.calls("/product/create")[0].form()["payload"]).find("Product")
    assert xml.findtext("variation/variation1/hasImage") == "true"
    assert xml.findtext("variation/variation2/hasImage") == "false"
    sku_images = [s.findtext("Images/Image") for s in xml.findall("Skus/Sku")]
    assert sku_images == lz.images[1:]


def test_lazada_custom_attribute_is_declared_customize_true(lz, tmp_path):
    custom = [{"sku": "T-1", "price": 50000, "stock": 3, "options": {"huong_vi": "Gừng"}},
              {"sku": "T-2", "price": 50000, "stock": 3, "options": {"huong_vi": "Sả"}}]
    lazada(lz).publish(product(tmp_path, custom))
    xml = ET.fromstring(lz.calls("/product/create")[0].form()["payload"]).find("Product")
    assert xml.findtext("variation/variation1/customize") == "true"
    with pytest.raises(ChannelError) as err:  # declared standard, unknown to the category
        lazada(lz).publish(product(tmp_path, [dict(v, sku=v["sku"] + "x") for v in custom],
                                   custom_variations=[]))
    assert err.value.platform_code == "VARIATION_CATEGORY_ATTRIBUTE_INVALID"


def test_lazada_duplicate_variant_sku_finds_the_existing_product(lz, tmp_path):
    first = lazada(lz).publish(product(tmp_path, VARIANTS))
    again = lazada(lz).publish(product(tmp_path, VARIANTS))  # 4105 → lookup by first SKU
    assert again.external_id == first.external_id and len(lz.products) == 1


@pytest.mark.parametrize("variants, message", [
    ([{"sku": "A", "price": 1, "stock": 1, "options": {"color_family": "Đỏ", "size": "S",
                                                       "vi": "ngọt"}}],
     "at most 2 variation attributes"),
    ([variant("A", "Đỏ", "S"), variant("B", "Đỏ", "S")], "repeats the options"),
    ([variant("A", "Đỏ", "S"), {"sku": "B", "price": 1, "stock": 1,
                                "options": {"color_family": "Vàng"}}], "B lacks size"),
    ([variant("A", "Đỏ", "S"), variant("A", "Vàng", "S")], "its own SellerSku"),
    ([variant("A", "Đỏ rực rỡ như hoa gạo tháng ba", "S")], "must be 1–20 characters"),
    ([{"sku": "A", "price": 1, "stock": 1, "options": {"mau sac": "Đỏ"}}],
     "must be at most 15 letters"),
    ([variant("A", "Đỏ", "S", image=CDN + "a.jpg"), variant("B", "Vàng", "S")],
     "every variant an image or none"),
    ([{"sku": "A", "price": 1, "stock": 1, "options": {"size": "S"}, "image": CDN + "a.jpg"}],
     "refuses them on size"),
    ([variant("A", "Đỏ", "S", price=0)], "A needs a price above 0"),
    ([variant("A", "Đỏ", "S", stock=1.5)], "A needs a whole-number stock"),
    ("Đỏ, Vàng", "variants must be a list"),
])
def test_lazada_refuses_variants_before_sending(lz, tmp_path, variants, message):
    bad = product(tmp_path, variants)
    channel = lazada(lz)
    assert any(message in p for p in channel.validate(bad)), channel.validate(bad)
    with pytest.raises(ChannelError):
        channel.publish(bad)
    assert not lz.requests


@pytest.mark.parametrize("mutate, code", [
    (lambda x: x.replace("<size>250ml</size>", ""), "SKU_VARIATION_NAME_MISSING"),
    (lambda x: x.replace("<size>250ml</size>", "<size>1l</size>"),
     "SKU_VARIATION_OPTION_NOT_EXIST"),
    (lambda x: x.replace("<size>250ml</size>", "<size>500ml</size>"), "SALE_PROPS_DUPLICATE"),
    (lambda x: x.replace("<hasImage>false</hasImage>", "<hasImage>true</hasImage>"),
     "VARIATION_IMAGE_MUST_SET_VARIATION1"),
    (lambda x: x.replace("<variation3>", "").replace("</variation>", "<variation3><name>vi"
                                                     "</name></variation3></variation>"),
     "VARIATION_SIZE_LIMIT"),
    (lambda x: x[:x.index("<variation>")] + x[x.index("</variation>") + 12:],
     "VARIATION_EMPTY"),
])
def test_lazada_fake_answers_the_documented_variation_errors(lz, tmp_path, mutate, code):
    channel = lazada(lz)
    url = channel._migrate(CDN + "a.jpg", "a")
    xml = product_xml(product(tmp_path, VARIANTS), [url], "MO-250-DO")
    with pytest.raises(ChannelError) as err:
        channel.call("POST", "/product/create", {"payload": mutate(xml)})
    assert err.value.platform_code == code and not lz.products
