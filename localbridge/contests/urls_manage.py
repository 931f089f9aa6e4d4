"""Contest pages added by the urls_manage module (included into urls.py under the contests namespace)."""

urlpatterns: list = []
