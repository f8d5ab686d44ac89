// After a security key is added, reload the two-factor page so the list of keys shows it.
document.addEventListener("otp_webauthn.register_complete", () => {
  window.setTimeout(() => window.location.reload(), 800);
});
