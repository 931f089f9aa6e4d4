from ninja import Router

router = Router(tags=["organizations"])
tos_router = Router(tags=["tos"])
