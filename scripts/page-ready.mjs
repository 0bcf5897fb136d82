// For page.waitForFunction: true once every <image-chat> on the page is online and its
// image has loaded, so the overlay has its final box and clicks land where they are aimed.
export function widgetsReady() {
  return [...document.querySelectorAll('image-chat')].every((el) => {
    const img = el.shadowRoot?.querySelector('img') ?? el.querySelector('img');
    const overlay = el.shadowRoot?.querySelector('[part~="overlay"]');
    return (
      el.getAttribute('status') === 'online' &&
      img?.complete && img.naturalWidth > 0 &&
      overlay && overlay.getBoundingClientRect().height > 0
    );
  });
}
