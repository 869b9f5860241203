def main() -> None:
    raise SystemExit("kipu: not built yet")
