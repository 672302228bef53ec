from seo import create_app

app = create_app()
