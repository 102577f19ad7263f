// After a map popup's Edit: bring the review panel's picked event and its form (a page below the map)
// into view. Streamlit draws them a moment after this script runs, so look for up to five seconds.
(function find(tries) {
  var pick = document.querySelector('.st-key-review_pick');
  if (pick) { pick.scrollIntoView({block: 'start'}); return; }
  if (tries > 0) { setTimeout(function () { find(tries - 1); }, 100); }
})(50);
