"""python -m dsi_standin --port N : run the stand-in locally (gunicorn, else werkzeug)."""
from standin_kit import run


def main(argv: list[str] | None = None) -> None:
    run("dsi_standin", 8011, argv)


if __name__ == "__main__":
    main()
