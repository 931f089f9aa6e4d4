"""Contest pages added by the urls_participate module (included into urls.py under the contests namespace)."""

urlpatterns: list = []
