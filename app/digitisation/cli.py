"""`flask results verify FILE`: check the digital signatures of an electronic result (a signed PDF)."""
from pathlib import Path

import click
from flask.cli import AppGroup

from app.digitisation.results import trust_roots
from app.digitisation.signing import verify_pdf

results_cli = AppGroup("results", help="Kết quả điện tử (PDF ký số).")


def _when(moment) -> str:
    return moment.astimezone().strftime("%d/%m/%Y %H:%M:%S %z") if moment else "không ghi"


@results_cli.command("verify")
@click.argument("pdf_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def verify_command(pdf_file: Path) -> None:
    """Kiểm tra chữ ký số (PAdES) của tệp kết quả PDF; mã thoát 0 khi mọi chữ ký hợp lệ và được tin cậy.

    Nơi tin cậy: chứng thư CA trong các tệp PKCS#12 đã cấu hình và các tệp trong RESULT_TRUST_ROOTS.
    """
    try:
        reports = verify_pdf(pdf_file.read_bytes(), trust_roots())
    except ValueError as error:
        raise click.ClickException(f"{pdf_file}: {error}.") from None
    if not reports:
        raise click.ClickException(f"{pdf_file}: tệp không có chữ ký số.")
    for number, report in enumerate(reports, start=1):
        click.echo(f"Chữ ký {number} ({report.field_name}): {report.signer}")
        click.echo(f"  Thời điểm ký (người ký ghi): {_when(report.signed_at)}")
        click.echo(f"  Toàn vẹn: {'có' if report.intact else 'KHÔNG'}; khớp chứng thư: {'có' if report.valid else 'KHÔNG'}; "
                   f"chứng thư được tin cậy: {'có' if report.trusted else 'KHÔNG'}; "
                   f"phủ toàn bộ tệp: {'có' if report.covers_whole_file else 'KHÔNG'}")
        click.echo("  => HỢP LỆ" if report.ok else f"  => KHÔNG HỢP LỆ: {'; '.join(report.problems)}")
    if not all(report.ok for report in reports):
        raise SystemExit(1)
