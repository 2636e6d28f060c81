"""The command line: the same core as the web app (store, check, export)."""

from __future__ import annotations

import functools
import json
import sys
from pathlib import Path

import click

from . import __version__, settings
from .assets import BuildMissing
from .check import check_tour, has_errors
from .export.pipeline import ExportError
from .model import TourError, tour_json_schema_text
from .store import Store, StoreError

EXIT_FINDINGS = 1
EXIT_USER_ERROR = 2


class UserError(click.ClickException):
    """A mistake the user can fix: one clear line on stderr, no traceback."""

    exit_code = EXIT_USER_ERROR

    def show(self, file=None) -> None:
        click.echo(f"error: {self.format_message()}", err=True)


DATA_HELP = "Folder for the database and media [default: ./instance, or $TOURBUILDER_DATA]."


def data_option(command):
    """--data on every command (before or after the command's name): where the database and media live."""
    return click.option("--data", "data", type=click.Path(file_okay=False, path_type=Path),
                        default=None, help=DATA_HELP)(command)


def chosen_data(data: Path | None) -> str | None:
    """The command's --data, else the group's --data, else None (environment or default)."""
    if data is not None:
        return str(data)
    group_data = (click.get_current_context().find_root().obj or {}).get("data")
    return str(group_data) if group_data else None


def friendly_errors(command):
    """Turn the core's errors into one-line messages."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except TourError as exc:
            lines = exc.problems if len(exc.problems) > 1 else [str(exc)]
            if len(exc.problems) > 1:
                click.echo(f"error: {exc.source or 'the tour'} has {len(exc.problems)} problems:", err=True)
                for line in lines:
                    click.echo(f"  - {line}", err=True)
                sys.exit(EXIT_USER_ERROR)
            raise UserError(lines[0]) from None
        except (StoreError, ExportError, BuildMissing, FileNotFoundError, ValueError) as exc:
            # PanoramaError is a ValueError: its message names the file, the problem and the fix.
            raise UserError(str(exc).strip("'\"")) from None
        except ImportError as exc:  # e.g. the export module's own dependency missing
            raise UserError(str(exc)) from None

    return wrapper


def open_store(data: Path | None) -> tuple[Store, dict]:
    values = settings.resolve({"DATA": chosen_data(data)})
    return Store.from_settings(values), values


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="tourbuilder")
@data_option
@click.pass_context
def cli(ctx, data):
    """Author interactive 360° tours that are also e-learning modules."""
    ctx.obj = {"data": data}


@cli.command()
@data_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=5000, show_default=True, type=click.IntRange(1, 65535), help="Port to listen on.")
@click.option("--debug/--no-debug", default=False, help="Reload on code changes and show debug pages.")
@click.option("--production", is_flag=True,
              help="Serve with gunicorn: several worker processes (see Deployment in the README).")
@click.option("--workers", type=click.IntRange(1, 64), default=None,
              help="With --production: worker processes [default: cores + 1, at least 2].")
@click.option("--threads", type=click.IntRange(1, 64), default=4, show_default=True,
              help="With --production: threads per worker process.")
@friendly_errors
def serve(data, host, port, debug, production, workers, threads):
    """Run the authoring app (the development server, or gunicorn with --production)."""
    from .app import create_app

    import os

    from .app.first_start import first_start

    if production and debug:
        raise UserError("--debug is for the development server: leave it out with --production")
    app = create_app({"DATA": chosen_data(data)})
    click.echo(f"tourbuilder {__version__}: data in {app.config['DATA']}, serving http://{host}:{port}/", err=True)
    if not debug or os.environ.get("WERKZEUG_RUN_MAIN") == "true":  # the reloader's child only
        for line in first_start(app, host, port):  # the first admin; a sign-in link on loopback
            click.echo(line, err=True)
    if production:
        from .wsgi import serve_production

        data_folder = app.config["DATA"]
        app.extensions["tourbuilder.store"].close()  # no connection may cross the workers' fork
        serve_production(host, port, data=data_folder, workers=workers, threads=threads)
        return
    app.run(host=host, port=port, debug=debug, use_reloader=debug)


@cli.command()
@data_option
@click.option("--width", default=4096, show_default=True, type=click.IntRange(512, 16384),
              help="Width of the painted demo panoramas.")
@friendly_errors
def demo(data, width):
    """Load the demo tour into the store if absent and print its id."""
    from .demo.loader import load_demo

    store, _ = open_store(data)
    tour_id, added = load_demo(store, width=width)
    click.echo(tour_id)
    click.echo("demo tour added" if added else "demo tour already present", err=True)


@cli.command("import")
@data_option
@click.argument("path", type=click.Path(exists=True, path_type=Path))
@friendly_errors
def import_(data, path):
    """Import a tour folder (or a .zip of one) and print its id."""
    from .importing import import_tour

    store, _ = open_store(data)
    tour, revision = import_tour(store, path)
    click.echo(tour.id)
    click.echo(f"saved as revision {revision}", err=True)


@cli.command("list")
@data_option
@friendly_errors
def list_(data):
    """List the stored tours: id, revision, scenes, languages, title."""
    store, _ = open_store(data)
    for summary in store.list_tours():
        default = summary.languages[0] if summary.languages else None
        title = summary.title.get(default) or next(iter(summary.title.values()), "")
        click.echo(f"{summary.id}\trev {summary.revision}\t{summary.scenes} scenes\t"
                   f"{','.join(summary.languages)}\t{title}")


@cli.command()
@data_option
@click.argument("tour")
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
@friendly_errors
def check(data, tour, strict):
    """Check a stored tour (by id) or a tour folder, and show each scene's bandwidth budget; exit 1 when
    there are errors."""
    from .export import load_source

    store, _ = open_store(data)
    source = load_source(tour, store)
    findings = check_tour(source.tour)
    for finding in findings:
        click.echo(str(finding))
    from .budget import budget_lines, tour_budget

    try:  # what a phone downloads before each scene is sharp (tourbuilder/budget.py)
        for line in budget_lines(tour_budget(source.tour, source.panoramas, media_path=source.media_path)):
            click.echo(line)
    except BuildMissing as exc:
        click.echo(f"budget not computed: {exc}", err=True)
    errors = sum(f.level == "error" for f in findings)
    warnings = len(findings) - errors
    click.echo(f"{source.tour.id}: {errors} errors, {warnings} warnings", err=True)
    if has_errors(findings, strict):
        sys.exit(EXIT_FINDINGS)


@cli.command()
@data_option
@click.argument("tour")
@click.option("--format", "format_", required=True,
              type=click.Choice(["web", "scorm12", "scorm2004", "cmi5", "folder"]), help="What to make.")
@click.option("--out", type=click.Path(path_type=Path), default=None,
              help="A folder, or a file ending in .zip [default: export/<tour>-<format>.zip].")
@click.option("--strict", is_flag=True, help="Refuse to export when check finds warnings.")
@friendly_errors
def export(data, tour, format_, out, strict):
    """Export a stored tour (by id) or a tour folder (by path)."""
    from .export import export_tour

    store, values = open_store(data)
    if out is None:
        name = Path(tour).name if Path(tour).is_dir() else tour
        out = Path(values["EXPORT_DIR"]) / f"{name}-{format_}.zip"
    report = export_tour(tour, format_, out, store=store, strict=strict)
    for finding in report.findings:
        click.echo(f"{finding}", err=True)
    click.echo(str(report.out))
    click.echo(f"{report.format}: {report.files} files, {report.bytes / 1e6:.1f} MB", err=True)


@cli.command()
@click.argument("image", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--out", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Folder for the outputs (replaced when it exists).")
@click.option("--tile-size", default="512", show_default=True, type=click.Choice(["256", "512", "1024"]),
              help="Tile edge in pixels.")
@click.option("--quality", default=85, show_default=True, type=click.IntRange(30, 100), help="JPEG/WebP quality.")
@click.option("--webp", is_flag=True, help="Write WebP tiles instead of JPEG.")
@click.option("--keep-location", is_flag=True, help="Keep the photo's GPS location in the preview.")
@friendly_errors
def panorama(image, out, tile_size, quality, webp, keep_location):
    """Turn one equirectangular photo into a preview, a thumbnail and a tiled cube pyramid."""
    from .panorama import PanoramaSettings, process

    settings = PanoramaSettings(tile_size=int(tile_size), quality=quality,
                                tile_format="webp" if webp else "jpg", keep_location=keep_location)
    with click.progressbar(length=100, label=image.name, file=sys.stderr, show_eta=False) as bar:
        done = [0]

        def progress(fraction: float, stage: str) -> None:
            step = int(fraction * 100) - done[0]
            if step > 0:
                bar.update(step)
                done[0] += step

        result = process(image, out, settings, progress)
    summary = {
        "out": str(result.folder),
        "files": result.files,
        **{key: result.manifest[key] for key in (
            "preview", "preview_size", "thumbnail", "placeholder", "tile_size", "tile_format", "quality",
            "faces", "face_order", "levels", "tile_path", "pose", "pose_from_photo", "source")},
    }
    click.echo(json.dumps(summary, indent=2, ensure_ascii=False))


@cli.command()
@data_option
@click.argument("tour")
@click.option("--lang", "languages", multiple=True, metavar="LANG",
              help="Only this language (e.g. mn or en); repeat for several [default: all the tour's].")
@click.option("--engine", default="auto", show_default=True,
              type=click.Choice(["auto", "gtts", "espeak", "none"]),
              help="auto: keep each track's engine, and give a new track gTTS (online, not Mongolian), "
                   "else espeak-ng (offline); or make every track (but recordings) with this one.")
@click.option("--force", is_flag=True, help="Make the tracks again even when nothing changed (no caches).")
@click.option("--recording", "recordings", multiple=True, nargs=2, metavar="WHERE:LANG FILE",
              type=(str, click.Path(exists=True, dir_okay=False, path_type=Path)),
              help="A person's recording (mp3, wav, ogg, m4a) for one track, e.g. "
                   "--recording ore-arrival:mn take1.m4a (a hotspot: scene/hotspot:mn).")
@friendly_errors
def narrate(data, tour, languages, engine, force, recordings):
    """Make the narration tracks (sound and captions) that are missing or out of date."""
    from .narration import NarrationError, narrate_folder, narrate_stored
    from .narration.recording import MAX_BYTES, check_upload

    takes = {}
    for target, path in recordings:
        where, _, lang = target.rpartition(":")
        if not where or not lang:
            raise UserError(f"--recording {target}: write WHERE:LANG, e.g. ore-arrival:mn or ore-arrival/ppe:en")
        if path.stat().st_size > MAX_BYTES:
            raise UserError(f"{path.name} is {path.stat().st_size / 1e6:.0f} MB; at most "
                            f"{MAX_BYTES // (1024 * 1024)} MB is accepted: record a shorter take, or save it as mp3")
        data = path.read_bytes()
        check_upload(data, path.name)  # plainly not sound: a mistake on the command line (exit 2)
        takes[(where, lang)] = (data, path.name)
    if engine == "gtts" and "mn" in languages:
        raise UserError("gTTS has no Mongolian voice (Mongolian is never sent to gTTS): "
                        "use --engine espeak for a robot draft, or record it")
    bar = _LazyBar("narrating")
    options = dict(languages=list(languages) or None, engine=engine, force=force, recordings=takes,
                   progress=bar.update)
    try:
        if Path(tour).is_dir():
            import tempfile

            cache_root = Path(tempfile.gettempdir()) / "tourbuilder-derived" / "narration"
            report, revision = narrate_folder(tour, cache_root=cache_root, **options), None
        else:
            store, _ = open_store(data)
            if not store.has_tour(tour):
                raise StoreError(f"no stored tour '{tour}' and no folder of that name: "
                                 "`tourbuilder list` shows the stored tours")
            report, revision = narrate_stored(store, tour, cache_root=Path(store.derived_root) / "narration",
                                              **options)
    except NarrationError as exc:
        raise UserError(str(exc)) from None
    finally:
        bar.close()
    width = max((len(t.where) for t in report.tracks), default=10)
    for track in report.tracks:
        length = f"{track.duration:5.1f} s" if track.duration is not None else "      -"
        line = (f"{track.where:<{width}}  {track.lang:<3} {track.engine or '-':<9} {track.kind:<13} "
                f"{track.status:<9} {length}")
        click.echo(line + (f"  {track.message}" if track.message else ""))
    click.echo(f"{report.tour.id}: {report.summary()}"
               + (f"; saved as revision {revision}" if revision else ""), err=True)
    kinds = {track.kind for track in report.tracks if track.status != "removed"}
    if "robot voice" in kinds:
        click.echo("Robot voices are drafts: learners see them labelled as such. Replace each with a "
                   "person's recording (--recording WHERE:LANG FILE) when you can.", err=True)
    if kinds & {"captions only", "missing"}:
        from .narration.none import HOW_TO_ADD_A_VOICE

        click.echo(f"Tracks without a voice: {HOW_TO_ADD_A_VOICE}.", err=True)
    if report.failed:
        sys.exit(EXIT_FINDINGS)


class _LazyBar:
    """A progress bar on stderr, opened once the number of tracks to make is known."""

    def __init__(self, label: str):
        self.label = label
        self.bar = None
        self.done = 0

    def update(self, done: int, total: int, item: str) -> None:
        if total == 0:
            return
        if self.bar is None:
            self.bar = click.progressbar(length=total, label=self.label, file=sys.stderr, show_eta=False,
                                         item_show_func=lambda item: item)
            self.bar.__enter__()
        step = done - self.done
        self.done = done
        self.bar.update(step, item or None)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)


@cli.command()
@data_option
@click.argument("out", type=click.Path(path_type=Path))
@friendly_errors
def backup(data, out):
    """Back up the whole instance (database and media) into one zip file OUT (ending in .zip),
    or into a new dated file in the folder OUT; safe while the app runs."""
    from datetime import datetime, timezone

    from .backup import backup as make_backup

    # SECRET_KEY given: resolving settings must not make a key (the backup copies the kept one).
    values = settings.resolve({"DATA": chosen_data(data), "SECRET_KEY": "-"})
    if out.is_dir() or out.suffix.lower() != ".zip":  # a folder: a new, dated file in it
        out = out / f"tourbuilder-backup-{datetime.now(timezone.utc):%Y%m%d-%H%M%S}.zip"
    report = make_backup(values, out)
    for name in report.damaged:
        click.echo(f"warning: {name} is damaged (its content does not match its name); a restore will "
                   "refuse it: add the file again", err=True)
    rows = ", ".join(f"{count} {table}" for table, count in report.tables.items() if count)
    click.echo(str(report.path))
    click.echo(f"backup: {rows}; {report.media_files} media files; {report.bytes / 1e6:.1f} MB", err=True)


@cli.command()
@data_option
@click.argument("archive", metavar="IN", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True,
              help="Replace a data folder (or database) that is not empty (stop the app that uses it first).")
@friendly_errors
def restore(data, archive, force):
    """Restore a backup IN into the data folder (new or empty, unless --force); every file's
    sha256 is checked, and nothing changes unless the whole restore succeeds."""
    from .backup import default_database_url, restore as restore_backup

    values = settings.resolve({"DATA": chosen_data(data), "SECRET_KEY": "-"})
    url = values["DATABASE_URL"]
    report = restore_backup(archive, values["DATA"], force=force,
                            database_url=None if url == default_database_url(values["DATA"]) else url)
    rows = ", ".join(f"{count} {table}" for table, count in report.tables.items() if count)
    click.echo(str(report.data))
    click.echo(f"restored: {rows}; {report.media_files} media files", err=True)


@cli.command()
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write to this file instead of standard output.")
def schema(out):
    """Print the JSON Schema of the tour document."""
    text = tour_json_schema_text()
    if out:
        from .files import atomic_write_text

        atomic_write_text(out, text)
    else:
        click.echo(text, nl=False)


from .accounts.cli import user as _user_commands  # noqa: E402  (`tourbuilder user ...`; imports this module)

cli.add_command(_user_commands)


def main() -> None:
    cli(prog_name="tourbuilder")
