"""One line of an FtM reference file -> the rows the graph stores (silver.domain.reference).

A line is one FtM entity as JSON. It is checked against the followthemoney model: a known,
concrete schema, an id FtM accepts, only properties of that schema, and for an interval entity
(``Ownership``, ``Directorship``, ...) both of its ends. Its values are cleaned as
``model.get_proxy(data, cleaned=False)`` cleans untrusted input: a value FtM rejects (a date
that is no date) is dropped, as followthemoney itself does, and the entity kept.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import orjson
from followthemoney import model, registry
from followthemoney.exc import InvalidData
from followthemoney.proxy import EntityProxy

from silver.domain.reference import (
    PROPERTY_LINKS,
    RefEntity,
    RefIdentifier,
    RefLink,
    identifiers_of,
    link_type,
    share_of,
)
from silver.infra.ftm import identifying_views

OTHER_PROPERTY_LINK = "LINKED_TO"


class BadEntity(ValueError):
    """The line is not a valid FtM entity; ``str(exc)`` says why, without its values."""


def parse(line: bytes | str) -> EntityProxy:
    """A line -> an FtM entity proxy with cleaned values, or BadEntity."""
    try:
        data = orjson.loads(line)
    except orjson.JSONDecodeError as exc:
        raise BadEntity(f"not JSON ({type(exc).__name__})") from None
    if not isinstance(data, dict):
        raise BadEntity("not a JSON object")
    schema_name = data.get("schema")
    if not isinstance(schema_name, str) or not schema_name:
        raise BadEntity("no schema")
    schema = model.get(schema_name)
    if schema is None:
        raise BadEntity(f"unknown schema {schema_name[:60]!r}")
    if schema.abstract:
        raise BadEntity(f"schema {schema.name} is abstract")
    entity_id = data.get("id")
    if not isinstance(entity_id, str) or not registry.entity.validate(entity_id):
        raise BadEntity("no id, or an id FtM does not accept (letters, digits, '.', '-')")
    properties = data.get("properties") or {}
    if not isinstance(properties, dict):
        raise BadEntity("properties is not an object")
    for name, values in properties.items():
        if name not in schema.properties:
            raise BadEntity(f"{name[:60]!r} is not a property of {schema.name}")
        if not isinstance(values, str) and not (
            isinstance(values, list) and all(isinstance(v, str) for v in values)
        ):
            raise BadEntity(f"{name} is not a text or a list of texts")
    try:
        proxy = model.get_proxy(data, cleaned=False)
    except (InvalidData, TypeError, ValueError) as exc:
        raise BadEntity(f"not a valid FtM entity ({type(exc).__name__})") from None
    if schema.edge:
        for end in (schema.edge_source, schema.edge_target):
            if end and not proxy.get(end):
                raise BadEntity(f"a {schema.name} without its {end}")
    return proxy


def _upper(values: list[str]) -> tuple[str, ...]:
    return tuple(v.upper() for v in values)


def rows(proxy: EntityProxy, index_key: bytes) -> tuple[RefEntity | None, list[RefLink]]:
    """A parsed entity as a node (with its identifiers and the links it names in properties)
    or, for an interval entity, as links."""
    schema = proxy.schema
    props = proxy.properties
    published = orjson.dumps(props).decode()
    if schema.edge:
        return None, _interval_links(proxy, props, published)
    identifiers: tuple[RefIdentifier, ...] = ()
    views = list(identifying_views(schema, props))
    if views:
        identifiers = identifiers_of(views, index_key)
    entity = RefEntity(
        id=str(proxy.id),
        schema=schema.name,
        caption=proxy.caption,
        names=tuple(props.get("name") or ()),
        countries=_upper(props.get("country") or []),
        jurisdictions=_upper(props.get("jurisdiction") or []),
        birth_dates=tuple(props.get("birthDate") or ()),
        properties=published,
        identifiers=identifiers,
    )
    links: list[RefLink] = []
    for name, values in props.items():
        prop = schema.properties[name]
        if prop.type is not registry.entity:
            continue
        link, owner_side = PROPERTY_LINKS.get(prop.qname, (OTHER_PROPERTY_LINK, False))
        for value in values:
            if value == entity.id:
                continue
            source, target = (value, entity.id) if owner_side else (entity.id, value)
            links.append(RefLink(link, source, target, via=name))
    return entity, links


def _interval_links(
    proxy: EntityProxy, props: dict[str, list[str]], published: str
) -> list[RefLink]:
    schema = proxy.schema
    assert schema.edge_source and schema.edge_target
    sources = props.get(schema.edge_source) or []
    targets = props.get(schema.edge_target) or []
    kind = link_type(schema.name, props)
    share = share_of(props.get("percentage") or []) if schema.name == "Ownership" else None
    role = next(iter(props.get("role") or props.get("relationship") or []), None)
    start = next(iter(props.get("startDate") or []), None)
    end = next(iter(props.get("endDate") or []), None)
    single = len(sources) == 1 and len(targets) == 1
    out = []
    for source in sources:
        for target in targets:
            out.append(
                RefLink(
                    kind,
                    source,
                    target,
                    # An interval entity with several ends is a link per pair of ends.
                    id=str(proxy.id) if single else f"{proxy.id}:{source}:{target}",
                    schema=schema.name,
                    share=share,
                    role=role,
                    start_date=start,
                    end_date=end,
                    properties=published,
                )
            )
    return out


def read(line: bytes | str, index_key: bytes) -> tuple[RefEntity | None, list[RefLink]]:
    return rows(parse(line), index_key)


@dataclass
class Chunk:
    """What a run of consecutive lines holds: rows, and the bad lines with their reason."""

    entities: list[RefEntity] = field(default_factory=list)
    links: list[RefLink] = field(default_factory=list)
    bad: list[tuple[int, str]] = field(default_factory=list)
    imported: int = 0
    bytes: int = 0


def read_chunk(first: int, lines: list[bytes], index_key: bytes) -> Chunk:
    """Lines numbered from ``first`` -> a Chunk (runs in a worker process for big files)."""
    out = Chunk()
    for number, line in enumerate(lines, first):
        out.bytes += len(line)
        if not line.strip():
            continue
        try:
            entity, links = read(line, index_key)
        except BadEntity as exc:
            out.bad.append((number, str(exc)))
            continue
        out.imported += 1
        if entity is not None:
            out.entities.append(entity)
        out.links.extend(links)
    return out
