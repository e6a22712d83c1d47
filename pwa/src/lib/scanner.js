/** The camera scanner: getUserMedia → canvas → BarcodeDetector, or jsQR loaded only now (not in the shell). */
export async function startScanner(video, canvas, onCode) {
  const stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' }, audio: false });
  let stopped = false;
  video.srcObject = stream;
  video.setAttribute('playsinline', '');
  await video.play();
  let detect;
  const formats = globalThis.BarcodeDetector ? await BarcodeDetector.getSupportedFormats().catch(() => []) : [];
  if (formats.includes('qr_code')) {
    const detector = new BarcodeDetector({ formats: ['qr_code'] });
    detect = async () => (await detector.detect(canvas))[0]?.rawValue;
  } else {
    const { default: jsQR } = await import('jsqr');
    const context = canvas.getContext('2d', { willReadFrequently: true });
    detect = async () => jsQR(context.getImageData(0, 0, canvas.width, canvas.height).data, canvas.width,
      canvas.height, { inversionAttempts: 'dontInvert' })?.data;
  }
  const context = canvas.getContext('2d', { willReadFrequently: true });
  const tick = async () => {
    if (stopped) return;
    if (video.videoWidth) {
      // 640 px on the long side is plenty for a tag held in front of the lens, and fast on old phones.
      const scale = Math.min(1, 640 / Math.max(video.videoWidth, video.videoHeight));
      canvas.width = Math.round(video.videoWidth * scale);
      canvas.height = Math.round(video.videoHeight * scale);
      context.drawImage(video, 0, 0, canvas.width, canvas.height);
      const text = await detect().catch(() => null);
      if (text && !stopped) { onCode(text); return; }
    }
    setTimeout(tick, 120);
  };
  tick();
  return () => {
    stopped = true;
    stream.getTracks().forEach((t) => t.stop());
    video.srcObject = null;
  };
}
