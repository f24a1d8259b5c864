// Photos: a before/after slider over the side-by-side pair, and a camera view with the
// first photo as a faint guide. Both are extras: without them the page works as it is.
(function () {
  "use strict";

  // Before/after slider: the after photo laid over the before one, revealed from the left.
  var pair = document.querySelector("[data-compare]");
  var before = pair && pair.querySelector("[data-compare-before]");
  var after = pair && pair.querySelector("[data-compare-after]");
  if (before && after) {
    var slider = document.createElement("div");
    slider.className = "compare-slider";
    var frame = document.createElement("div");
    frame.className = "slider-frame";
    frame.style.aspectRatio = before.getAttribute("width") + " / " + before.getAttribute("height");
    var under = before.cloneNode();
    var over = after.cloneNode();
    under.removeAttribute("data-compare-before");
    over.removeAttribute("data-compare-after");
    under.alt = "";  // the figures above already describe both photos
    over.alt = "";
    over.className = "slider-after";
    frame.appendChild(under);
    frame.appendChild(over);
    var label = document.createElement("label");
    label.htmlFor = "compare-reveal";
    label.textContent = "Slide right to show more of the after photo, left for more of the before photo";
    var range = document.createElement("input");
    range.type = "range";
    range.id = "compare-reveal";
    range.min = "0";
    range.max = "100";
    range.value = "50";
    function reveal() {
      // The after photo covers the right-hand part of the frame: value% of it.
      frame.style.setProperty("--reveal", (100 - range.value) + "%");
      range.setAttribute("aria-valuetext", range.value + "% after photo");
    }
    range.addEventListener("input", reveal);
    reveal();
    slider.appendChild(frame);
    slider.appendChild(label);
    slider.appendChild(range);
    pair.parentNode.insertBefore(slider, pair.nextSibling);
  }

  // Camera with a guide: where the browser may open the camera, the first photo of the
  // series shows faintly over the live view so the new photo lines up with it.
  var camera = document.querySelector("[data-camera]");
  var input = document.querySelector("input[type=file][name=photo]");
  var canUseCamera = camera && input && navigator.mediaDevices && navigator.mediaDevices.getUserMedia &&
    window.DataTransfer && HTMLCanvasElement.prototype.toBlob;
  if (!canUseCamera) { return; }
  camera.hidden = false;
  var start = camera.querySelector("[data-camera-start]");
  var view = camera.querySelector("[data-camera-view]");
  var video = view.querySelector("video");
  var guide = camera.querySelector("[data-camera-guide]");
  var shot = camera.querySelector("[data-camera-shot]");
  var shoot = camera.querySelector("[data-camera-shoot]");
  var status = camera.querySelector("[data-camera-status]");
  var stream = null;

  function stop() {
    if (stream) { stream.getTracks().forEach(function (track) { track.stop(); }); }
    stream = null;
  }

  start.addEventListener("click", function () {
    guide.src = camera.getAttribute("data-guide-src");
    navigator.mediaDevices.getUserMedia({ video: { facingMode: "user", width: { ideal: 1920 } }, audio: false })
      .then(function (media) {
        stream = media;
        video.srcObject = media;
        return video.play();
      }).then(function () {
        view.hidden = false;
        shot.hidden = true;
        shoot.hidden = false;
        start.textContent = "Start the camera again";
        status.textContent = "Line your face up with the faint first photo, then take the photo.";
      }).catch(function () {
        stop();
        status.textContent = "The camera could not be opened here. Use the button below to take or choose a photo.";
      });
  });

  shoot.addEventListener("click", function () {
    shot.width = video.videoWidth;
    shot.height = video.videoHeight;
    shot.getContext("2d").drawImage(video, 0, 0, shot.width, shot.height);
    shot.toBlob(function (blob) {
      if (!blob) { return; }
      var files = new DataTransfer();
      files.items.add(new File([blob], "camera.jpg", { type: "image/jpeg" }));
      input.files = files.files;
      stop();
      view.hidden = true;
      shoot.hidden = true;
      shot.hidden = false;
      status.textContent = "Photo taken. Save it, or start the camera again to retake it.";
    }, "image/jpeg", 0.92);
  });

  window.addEventListener("pagehide", stop);
})();
