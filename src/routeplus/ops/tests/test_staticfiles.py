"""The static-file storages: a CSS url() that names a missing file must not abort collectstatic."""

import json
import shutil

import pytest
from django.core.files.storage import FileSystemStorage

from routeplus.ops.staticfiles import StaticStorage, UncompressedStaticStorage

CSS = 'a { background: url("./missing.svg"); } b { background: url("./here.svg"); }'


@pytest.mark.parametrize("storage_class", [StaticStorage, UncompressedStaticStorage])
def test_a_dead_reference_is_left_as_it_is_and_the_rest_is_hashed(tmp_path, storage_class):
    source, target = tmp_path / "source", tmp_path / "target"
    source.mkdir()
    (source / "icons.css").write_text(CSS)
    (source / "here.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>")
    shutil.copytree(source, target)  # collectstatic copies first, then post-processes
    storage = storage_class(location=str(target), base_url="/static/")
    found = {name: (FileSystemStorage(location=str(source)), name) for name in ("icons.css", "here.svg")}

    processed = list(storage.post_process(found))
    assert not [error for _name, _hashed, error in processed if isinstance(error, Exception)]

    hashed_css = json.loads((target / "staticfiles.json").read_text())["paths"]["icons.css"]
    assert hashed_css != "icons.css"
    text = (target / hashed_css).read_text()
    assert 'url("./missing.svg")' in text
    assert 'url("./here.' in text and 'url("./here.svg")' not in text  # the live reference is hashed
    gzipped = list(target.glob("*.gz"))
    assert bool(gzipped) == (storage_class is StaticStorage)
