import factory

from localbridge.accounts.models import User

TEST_PASSWORD = "correct-horse-battery-staple-42"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.org")
    full_name = factory.Sequence(lambda n: f"Иван Тестов {n}")
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @factory.post_generation
    def verified(obj, create, extracted, **kwargs):
        """Users are created with a confirmed primary e-mail, as after sign-up and confirmation."""
        if not create:
            return
        obj.save()
        if extracted is False:
            return
        from allauth.account.models import EmailAddress

        EmailAddress.objects.get_or_create(user=obj, email=obj.email, defaults={"verified": True, "primary": True})
