from django.contrib.auth.views import LogoutView
from django.urls import path

from hogo.accounts.views import auth, people, policy, tokens, totp

app_name = "accounts"
urlpatterns = [
    path("login/", auth.login_view, name="login"),
    path("login/totp/", auth.login_totp_view, name="login_totp"),
    path("logout/", LogoutView.as_view(), name="logout"),
    path("department/", people.department, name="department"),
    path("department/<int:pk>/<str:action>/", people.designation, name="designation"),
    path("users/", people.users, name="users"),
    path("users/<int:pk>/disable/", people.disable, name="disable"),
    path("users/<int:pk>/unlock/", people.unlock, name="unlock"),
    path("tokens/", tokens.tokens, name="tokens"),
    path("tokens/<int:pk>/revoke/", tokens.revoke, name="revoke_token"),
    path("totp/", totp.totp, name="totp"),
    path("policy/", policy.policy_view, name="policy"),
    path("policy/uses/", policy.permitted_uses_view, name="permitted_uses"),
]
